#include "server/bidi_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"

namespace greeter {

BidiStreamReactor::BidiStreamReactor(grpc::CallbackServerContext* context,
                                     const ServerLimits& limits, asio::io_context& timers,
                                     CallReporter& reporter)
    : context_(context),
      limits_(limits),
      tracker_("SayHelloBidiStream", context, reporter),
      timer_(timers) {
  EchoRequestedMetadata(*context);
  read_in_flight_ = true;
  StartRead(&request_);
}

void BidiStreamReactor::OnReadDone(bool ok) {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    read_in_flight_ = false;
    if (ok) {
      TakeRequest();
    } else {
      client_half_closed_ = true;  // or cancelled: then the writes fail too
    }
    steps = Advance();
  }
  Take(std::move(steps));
}

void BidiStreamReactor::TakeRequest() {
  tracker_.CountIn();
  ++requests_read_;
  if (auto status = ValidateName(request_, limits_); !status.ok()) {
    refusal_ = grpc::Status(status.error_code(), "request " + std::to_string(requests_read_) +
                                                     ": " + status.error_message());
    return;
  }
  if (requests_read_ == 1) {  // the first request carries the call's knobs
    auto knobs = CallKnobs::From(request_, limits_, std::nullopt);
    if (auto* refusal = std::get_if<grpc::Status>(&knobs)) {
      refusal_ = *refusal;
      return;
    }
    knobs_ = std::get<CallKnobs>(knobs);
  }
  if (auto failure = knobs_.FailureDue(replies_made_)) {  // on purpose: stop here
    refusal_ = *failure;
    return;
  }
  greet::HelloReply& reply = replies_.emplace_back();
  reply.set_message(GreetOne(request_.name()));
  reply.set_sequence(++replies_made_);
  if (request_.include_call_info()) reply.mutable_call()->set_peer(context_->peer());
  knobs_.Shape(reply);
  if (auto failure = knobs_.FailureDue(replies_made_)) refusal_ = *failure;  // after this reply
}

void BidiStreamReactor::OnWriteDone(bool ok) {
  if (ok) tracker_.CountOut();
  OnWriteSlotFreed(ok);
}

void BidiStreamReactor::OnWriteSlotFreed(bool usable) {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    write_in_flight_ = false;
    if (!usable) {
      write_failed_ = true;  // the call is over for the client: drop what is queued
      replies_.clear();
    }
    steps = Advance();
  }
  Take(std::move(steps));
}

BidiStreamReactor::NextSteps BidiStreamReactor::Advance() {
  NextSteps steps;
  if (finished_) return steps;
  if (!write_in_flight_ && !replies_.empty()) {
    if (!first_reply_delayed_ && knobs_.first_reply_delay.count() > 0) {
      first_reply_delayed_ = true;
      write_in_flight_ = steps.wait_first_reply_delay = true;  // the write slot waits
    } else {
      reply_in_flight_ = std::move(replies_.front());
      replies_.pop_front();
      if (reply_in_flight_.has_call()) {
        reply_in_flight_.mutable_call()->set_client_half_closed(client_half_closed_);
      }
      write_in_flight_ = steps.write = true;
    }
  }
  const bool reading_ended = client_half_closed_ || refusal_ || write_failed_;
  if (!read_in_flight_ && !reading_ended && replies_.size() < limits_.bidi_replies_in_flight) {
    read_in_flight_ = steps.read = true;
  }
  if (reading_ended && !read_in_flight_ && !write_in_flight_ && replies_.empty()) {
    finished_ = true;
    steps.finish = write_failed_ ? grpc::Status::CANCELLED : refusal_.value_or(grpc::Status::OK);
  }
  return steps;
}

void BidiStreamReactor::Take(NextSteps steps) {
  if (steps.read) StartRead(&request_);
  if (steps.write) StartWrite(&reply_in_flight_);
  if (steps.wait_first_reply_delay) {
    timer_.Wait(knobs_.first_reply_delay, [this](bool elapsed) { OnWriteSlotFreed(elapsed); });
  }
  if (steps.finish) {
    finished_with_ = *steps.finish;
    Finish(std::move(*steps.finish));  // last touch: OnDone may follow on another thread
  }
}

void BidiStreamReactor::OnDone() {
  tracker_.Report(finished_with_);
  delete this;
}

}  // namespace greeter

#include "server/greeting_conversation.h"

#include "server/bidi_stream_reactor.h"
#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/wire_messages.h"

namespace greeter {

GreetingConversation::GreetingConversation(BidiStreamReactor& call, CallEnvironment& env,
                                           const greet::HelloRequest& first)
    : call_(call), env_(env), limits_(env.limits), timer_(env.timers) {
  Answer(first);  // not shared yet: no lock needed
}

void GreetingConversation::Begin() {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    steps = Advance();
  }
  Take(std::move(steps));
}

void GreetingConversation::OnReadDone(bool ok) {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    read_in_flight_ = false;
    if (ok && !finished_) {
      call_.tracker().CountIn();
      ++requests_read_;
      greet::HelloRequest request;
      if (auto status = ParseRequest(request_bytes_, requests_read_, request); !status.ok()) {
        refusal_ = status;  // nothing after it is acted on; what is queued still goes out
      } else {
        Answer(request);
      }
    } else if (!ok) {
      client_half_closed_ = true;  // or cancelled: then the writes fail too
      if (!refusal_) refusal_ = knobs_.FailureNeverDue(replies_made_);
    }
    steps = Advance();
  }
  Take(std::move(steps));
}

void GreetingConversation::Answer(const greet::HelloRequest& request) {
  if (auto status = ValidateName(request, limits_); !status.ok()) {
    refusal_ = grpc::Status(status.error_code(), "request " + std::to_string(requests_read_) +
                                                     ": " + status.error_message());
    return;
  }
  if (requests_read_ == 1) {  // the first request carries the call's knobs
    auto knobs = CallKnobs::From(request, limits_, std::nullopt);
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
  QueuedReply queued;
  greet::HelloReply& reply = queued.reply;
  reply.set_message(GreetOne(request.name()));
  reply.set_sequence(replies_made_ + 1);
  if (request.include_call_info()) reply.mutable_call()->set_peer(call_.tracker().peer());
  knobs_.Shape(reply);
  queued.bytes = reply.ByteSizeLong();
  queued.claim = env_.reply_memory.TryClaim(queued.bytes);
  if (!queued.claim) {
    refusal_ = env_.reply_memory.Refusal();
    return;
  }
  ++replies_made_;
  queued_bytes_ += queued.bytes;
  replies_.push_back(std::move(queued));
  if (auto failure = knobs_.FailureDue(replies_made_)) refusal_ = *failure;  // after this reply
}

void GreetingConversation::OnWriteDone(bool ok) {
  claim_in_flight_.reset();  // gRPC has the bytes, or the write failed
  if (ok) call_.tracker().CountOut();
  OnWriteSlotFreed(ok);
}

void GreetingConversation::OnWriteSlotFreed(bool usable) {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    write_in_flight_ = false;
    if (!usable) {  // the call is over for the client: drop what is queued
      call_dead_ = true;
      replies_.clear();
      queued_bytes_ = 0;
    }
    steps = Advance();
  }
  Take(std::move(steps));
}

void GreetingConversation::OnCancel() {
  timer_.Cancel();
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    call_dead_ = true;
    replies_.clear();
    queued_bytes_ = 0;
    steps = Advance();
  }
  Take(std::move(steps));
}

GreetingConversation::NextSteps GreetingConversation::Advance() {
  NextSteps steps;
  if (finished_) return steps;
  if (!write_in_flight_ && !replies_.empty()) {
    if (!first_reply_delayed_ && knobs_.first_reply_delay.count() > 0) {
      first_reply_delayed_ = true;
      write_in_flight_ = steps.wait_first_reply_delay = true;  // the write slot waits
    } else {
      QueuedReply& next = replies_.front();
      reply_in_flight_ = std::move(next.reply);
      claim_in_flight_ = std::move(next.claim);
      queued_bytes_ -= next.bytes;
      replies_.pop_front();
      if (reply_in_flight_.has_call()) {
        reply_in_flight_.mutable_call()->set_client_half_closed(client_half_closed_);
      }
      write_in_flight_ = steps.write = true;
    }
  }
  const bool reading_ended = client_half_closed_ || refusal_ || call_dead_;
  if (!read_in_flight_ && !reading_ended && replies_.size() < limits_.bidi_replies_in_flight &&
      queued_bytes_ < limits_.max_call_reply_memory_bytes) {
    read_in_flight_ = steps.read = true;
  }
  if (reading_ended && !read_in_flight_ && !write_in_flight_ && replies_.empty()) {
    finished_ = true;
    steps.finish = call_dead_ ? grpc::Status::CANCELLED : refusal_.value_or(grpc::Status::OK);
  }
  return steps;
}

void GreetingConversation::Take(NextSteps steps) {
  if (steps.write) {
    // Made here, not under the mutex: the write slot is this thread's until OnWriteDone.
    reply_bytes_ = SerializeReply(reply_in_flight_);
    call_.StartWrite(&reply_bytes_);
  }
  if (steps.wait_first_reply_delay) {
    timer_.Wait(knobs_.first_reply_delay, [this](bool elapsed) { OnWriteSlotFreed(elapsed); });
  }
  if (steps.read) call_.StartRead(&request_bytes_);
  if (steps.finish) call_.End(std::move(*steps.finish));  // last touch of the call
}

void GreetingConversation::OnDone() { timer_.Cancel(); }

}  // namespace greeter

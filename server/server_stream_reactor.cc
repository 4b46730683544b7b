#include "server/server_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"

namespace greeter {

ServerStreamReactor::ServerStreamReactor(grpc::CallbackServerContext* context,
                                         const greet::HelloRequest& request,
                                         const ServerLimits& limits, asio::io_context& timers,
                                         CallReporter& reporter)
    : context_(context),
      tracker_("SayHelloServerStream", context, reporter),
      timer_(timers),
      name_(request.name()),
      count_(request.has_count() ? request.count() : kDefaultStreamCount),
      interval_(request.has_interval_ms() ? request.interval_ms() : kDefaultStreamIntervalMs) {
  tracker_.CountIn();
  EchoRequestedMetadata(*context);
  if (auto status = ValidateServerStreamRequest(request, limits); !status.ok()) {
    FinishCall(std::move(status));
    return;
  }
  auto knobs = CallKnobs::From(request, limits, count_);
  if (auto* refusal = std::get_if<grpc::Status>(&knobs)) {
    FinishCall(std::move(*refusal));
    return;
  }
  knobs_ = std::get<CallKnobs>(knobs);
  // What every reply repeats, set once: reply_ is reused for each write.
  if (request.include_call_info()) {
    reply_.mutable_call()->set_peer(context_->peer());
    reply_.mutable_call()->set_client_half_closed(true);  // one request: closed when it came
  }
  knobs_.Shape(reply_);
  NextStep();
}

void ServerStreamReactor::NextStep() {
  if (auto failure = knobs_.FailureDue(sent_)) {
    FinishCall(std::move(*failure));
    return;
  }
  if (sent_ == count_) {
    FinishCall(grpc::Status::OK);
    return;
  }
  const auto wait = sent_ == 0 ? knobs_.first_reply_delay : interval_;
  if (wait.count() == 0) {
    WriteNextReply();
    return;
  }
  timer_.Wait(wait, [this](bool elapsed) {
    if (elapsed) {
      WriteNextReply();  // a cancel from now on fails the write; OnWriteDone finishes
    } else {
      FinishCall(grpc::Status::CANCELLED);
    }
  });
}

void ServerStreamReactor::WriteNextReply() {
  ++sent_;
  reply_.set_message(GreetInStream(name_, sent_, count_));
  reply_.set_sequence(sent_);
  StartWrite(&reply_);
}

void ServerStreamReactor::OnWriteDone(bool ok) {
  if (!ok) {  // the client is gone or cancelled: nothing more can be delivered
    FinishCall(grpc::Status::CANCELLED);
    return;
  }
  tracker_.CountOut();
  NextStep();
}

void ServerStreamReactor::FinishCall(grpc::Status status) {
  finished_with_ = status;
  Finish(std::move(status));  // last touch of the call: OnDone may follow on another thread
}

void ServerStreamReactor::OnDone() {
  tracker_.Report(finished_with_);
  delete this;
}

}  // namespace greeter

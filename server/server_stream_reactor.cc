#include "server/server_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/wire_messages.h"

namespace greeter {

ServerStreamReactor::ServerStreamReactor(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer& request, CallEnvironment& env)
    : context_(context),
      env_(env),
      tracker_("SayHelloServerStream", context, env),
      timer_(env.timers) {
  tracker_.CountIn();
  if (auto status = Start(request); !status.ok()) {
    FinishCall(std::move(status));
    return;
  }
  NextStep();
}

grpc::Status ServerStreamReactor::Start(const grpc::ByteBuffer& request_bytes) {
  if (auto refusal = tracker_.Admit(); !refusal.ok()) return refusal;
  greet::HelloRequest request;
  if (auto status = ParseRequest(request_bytes, 1, request); !status.ok()) return status;
  if (auto status = ValidateServerStreamRequest(request, env_.limits); !status.ok()) return status;
  name_ = request.name();
  count_ = request.has_count() ? request.count() : kDefaultStreamCount;
  interval_ = std::chrono::milliseconds(request.has_interval_ms() ? request.interval_ms()
                                                                  : kDefaultStreamIntervalMs);
  auto knobs = CallKnobs::From(request, env_.limits, count_);
  if (auto* refusal = std::get_if<grpc::Status>(&knobs)) return *refusal;
  knobs_ = std::get<CallKnobs>(knobs);
  // What every reply repeats, set once: reply_ is reused for each write.
  if (request.include_call_info()) {
    reply_.mutable_call()->set_peer(context_->peer());
    reply_.mutable_call()->set_client_half_closed(true);  // one request: closed when it came
  }
  knobs_.Shape(reply_);
  return grpc::Status::OK;
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
  reply_.set_message(GreetInStream(name_, sent_ + 1, count_));
  reply_.set_sequence(sent_ + 1);
  SerializeReply(reply_, reply_bytes_);
  claim_ = env_.reply_memory.TryClaim(reply_bytes_.Length());
  if (!claim_) {
    FinishCall(env_.reply_memory.Refusal());
    return;
  }
  ++sent_;
  StartWrite(&reply_bytes_);
}

void ServerStreamReactor::OnWriteDone(bool ok) {
  claim_.reset();  // gRPC has the bytes, or the write failed: either way the reply is gone
  if (!ok) {       // the client is gone or cancelled: nothing more can be delivered
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

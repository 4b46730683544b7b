#include "server/client_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/wire_messages.h"

namespace greeter {

ClientStreamReactor::ClientStreamReactor(grpc::CallbackServerContext* context,
                                         grpc::ByteBuffer* reply, CallEnvironment& env)
    : context_(context),
      reply_(reply),
      env_(env),
      tracker_("SayHelloClientStream", context, env),
      timer_(env.timers) {
  if (grpc::Status refusal = tracker_.Admit(); !refusal.ok()) {
    FinishCall(std::move(refusal));
    return;
  }
  StartRead(&request_bytes_);
}

void ClientStreamReactor::OnReadDone(bool ok) {
  if (!ok) {                        // half-close, or the call was cancelled
    if (context_->IsCancelled()) {  // nobody to reply to: no reply is built or counted
      FinishCall(grpc::Status::CANCELLED);
      return;
    }
    if (knobs_.first_reply_delay.count() == 0) {
      Reply();
      return;
    }
    timer_.Wait(knobs_.first_reply_delay, [this](bool elapsed) {
      if (elapsed) {
        Reply();
      } else {
        FinishCall(grpc::Status::CANCELLED);
      }
    });
    return;
  }
  tracker_.CountIn();
  if (auto status = TakeRequest(); !status.ok()) {
    FinishCall(std::move(status));
    return;
  }
  StartRead(&request_bytes_);
}

grpc::Status ClientStreamReactor::TakeRequest() {
  const size_t number = names_.size() + 1;
  if (auto status = ParseRequest(request_bytes_, number, request_); !status.ok()) return status;
  if (names_.size() == env_.limits.max_client_stream_names) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            "requests: at most " + std::to_string(env_.limits.max_client_stream_names) +
                " names per SayHelloClientStream call"};
  }
  if (auto status = ValidateName(request_, env_.limits); !status.ok()) {
    return {status.error_code(),
            "request " + std::to_string(number) + ": " + status.error_message()};
  }
  if (number == 1) {  // the first request carries the call's knobs
    auto knobs = CallKnobs::From(request_, env_.limits, 0);
    if (auto* refusal = std::get_if<grpc::Status>(&knobs)) return *refusal;
    knobs_ = std::get<CallKnobs>(knobs);
    if (auto failure = knobs_.FailureDue(0)) return *failure;  // fail before the one reply
  }
  include_call_info_ = include_call_info_ || request_.include_call_info();
  names_.push_back(std::move(*request_.mutable_name()));
  return grpc::Status::OK;
}

void ClientStreamReactor::Reply() {
  greet::HelloReply reply;
  reply.set_message(GreetAll(names_));
  reply.set_count(static_cast<uint32_t>(names_.size()));
  if (include_call_info_) {
    reply.mutable_call()->set_peer(context_->peer());
    reply.mutable_call()->set_client_half_closed(true);
  }
  knobs_.Shape(reply);
  SerializeReply(reply, *reply_);
  claim_ = env_.reply_memory.TryClaim(reply_->Length());
  if (!claim_) {
    reply_->Clear();
    FinishCall(env_.reply_memory.Refusal());
    return;
  }
  tracker_.CountOut();
  FinishCall(grpc::Status::OK);
}

void ClientStreamReactor::FinishCall(grpc::Status status) {
  finished_with_ = status;
  Finish(std::move(status));  // last touch of the call: OnDone may follow on another thread
}

void ClientStreamReactor::OnDone() {
  tracker_.Report(finished_with_);
  delete this;
}

}  // namespace greeter

#include "server/client_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"

namespace greeter {

ClientStreamReactor::ClientStreamReactor(grpc::CallbackServerContext* context,
                                         greet::HelloReply* reply, const ServerLimits& limits,
                                         const CallObserver& observer)
    : context_(context),
      reply_(reply),
      limits_(limits),
      tracker_("SayHelloClientStream", context, observer) {
  StartRead(&request_);
}

void ClientStreamReactor::OnReadDone(bool ok) {
  if (!ok) {  // half-close, or the call is cancelled (then the status goes nowhere)
    reply_->set_message(GreetAll(names_));
    reply_->set_count(static_cast<uint32_t>(names_.size()));
    if (include_call_info_) {
      reply_->mutable_call()->set_peer(context_->peer());
      reply_->mutable_call()->set_client_half_closed(true);
    }
    tracker_.CountOut();
    FinishCall(grpc::Status::OK);
    return;
  }
  tracker_.CountIn();
  if (names_.size() == limits_.max_client_stream_names) {
    FinishCall({grpc::StatusCode::RESOURCE_EXHAUSTED,
                "requests: at most " + std::to_string(limits_.max_client_stream_names) +
                    " names per SayHelloClientStream call"});
    return;
  }
  if (auto status = ValidateName(request_, limits_); !status.ok()) {
    FinishCall({status.error_code(),
                "request " + std::to_string(names_.size() + 1) + ": " + status.error_message()});
    return;
  }
  include_call_info_ = include_call_info_ || request_.include_call_info();
  names_.push_back(std::move(*request_.mutable_name()));
  StartRead(&request_);
}

void ClientStreamReactor::FinishCall(grpc::Status status) {
  finished_with_ = status;
  Finish(std::move(status));
}

void ClientStreamReactor::OnDone() {
  tracker_.Report(finished_with_);
  delete this;
}

}  // namespace greeter

#include "client/bidi_call.h"

namespace greeter {

std::shared_ptr<BidiCall> BidiCall::Start(greet::Greeter::Stub& stub, const CallSettings& settings,
                                          CallHandlers handlers) {
  auto call = std::make_shared<BidiCall>();
  call->self_ = call;
  call->handlers_ = std::move(handlers);
  settings.ApplyTo(call->context_);
  stub.async()->SayHelloBidiStream(&call->context_, call.get());
  call->sender_.HoldCallOpen();
  call->StartRead(&call->reply_);
  call->StartCall();
  return call;
}

void BidiCall::OnReadDone(bool ok) {
  if (!ok) {  // the server finished: whatever is still queued cannot be delivered
    sender_.Abandon();
    return;
  }
  if (handlers_.on_reply) handlers_.on_reply(reply_);
  StartRead(&reply_);
}

void BidiCall::OnDone(const grpc::Status& status) {
  auto last_reference = std::move(self_);  // this may go when the function returns
  handlers_.Finished(context_, status);
}

}  // namespace greeter

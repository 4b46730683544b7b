#include "client/client_stream_call.h"

namespace greeter {

std::shared_ptr<ClientStreamCall> ClientStreamCall::Start(greet::Greeter::Stub& stub,
                                                          const CallSettings& settings,
                                                          CallHandlers handlers) {
  auto call = std::make_shared<ClientStreamCall>();
  call->self_ = call;
  call->handlers_ = std::move(handlers);
  settings.ApplyTo(call->context_);
  stub.async()->SayHelloClientStream(&call->context_, &call->reply_, call.get());
  call->sender_.HoldCallOpen();
  call->StartCall();
  return call;
}

void ClientStreamCall::OnDone(const grpc::Status& status) {
  auto last_reference = std::move(self_);  // this may go when the function returns
  if (status.ok() && handlers_.on_reply) handlers_.on_reply(reply_);
  handlers_.Finished(context_, status);
}

}  // namespace greeter

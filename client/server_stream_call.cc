#include "client/server_stream_call.h"

namespace greeter {

std::shared_ptr<ServerStreamCall> ServerStreamCall::Start(greet::Greeter::Stub& stub,
                                                          const CallSettings& settings,
                                                          greet::HelloRequest request,
                                                          CallHandlers handlers) {
  auto call = std::make_shared<ServerStreamCall>();
  call->self_ = call;
  call->handlers_ = std::move(handlers);
  call->request_ = std::move(request);
  settings.ApplyTo(call->context_);
  stub.async()->SayHelloServerStream(&call->context_, &call->request_, call.get());
  call->StartRead(&call->reply_);
  call->StartCall();
  return call;
}

void ServerStreamCall::OnReadDone(bool ok) {
  if (!ok) return;  // the stream ended: OnDone brings the status
  if (handlers_.on_reply) handlers_.on_reply(reply_);
  StartRead(&reply_);
}

void ServerStreamCall::OnDone(const grpc::Status& status) {
  auto last_reference = std::move(self_);  // this may go when the function returns
  handlers_.Finished(context_, status);
}

}  // namespace greeter

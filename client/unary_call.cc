#include "client/unary_call.h"

namespace greeter {

std::shared_ptr<UnaryCall> UnaryCall::Start(greet::Greeter::Stub& stub,
                                            const CallSettings& settings,
                                            greet::HelloRequest request, CallHandlers handlers) {
  auto call = std::make_shared<UnaryCall>();
  settings.ApplyTo(call->context_);
  call->request_ = std::move(request);
  // The callback owns the call until it runs, so the context outlives the RPC.
  stub.async()->SayHello(&call->context_, &call->request_, &call->reply_,
                         [call, handlers = std::move(handlers)](grpc::Status status) {
                           if (status.ok() && handlers.on_reply) handlers.on_reply(call->reply_);
                           handlers.Finished(call->context_, status);
                         });
  return call;
}

}  // namespace greeter

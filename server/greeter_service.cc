#include "server/greeter_service.h"

#include "server/bidi_stream_reactor.h"
#include "server/call_tracker.h"
#include "server/client_stream_reactor.h"
#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/server_stream_reactor.h"

namespace greeter {

GreeterService::GreeterService(ServerLimits limits, asio::io_context& timers, CallObserver observer)
    : limits_(limits), timers_(timers), observer_(std::move(observer)) {}

grpc::ServerUnaryReactor* GreeterService::SayHello(grpc::CallbackServerContext* context,
                                                   const greet::HelloRequest* request,
                                                   greet::HelloReply* reply) {
  // Nothing to wait for: answer in place with the library's ready-made reactor.
  CallTracker tracker("SayHello", context, observer_);
  tracker.CountIn();
  grpc::Status status = ValidateName(*request, limits_);
  if (status.ok()) {
    reply->set_message(GreetOne(request->name()));
    if (request->include_call_info()) {
      reply->mutable_call()->set_peer(context->peer());
      reply->mutable_call()->set_client_half_closed(true);
    }
    tracker.CountOut();
  }
  tracker.Report(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

grpc::ServerWriteReactor<greet::HelloReply>* GreeterService::SayHelloServerStream(
    grpc::CallbackServerContext* context, const greet::HelloRequest* request) {
  return new ServerStreamReactor(context, *request, limits_, timers_, observer_);
}

grpc::ServerReadReactor<greet::HelloRequest>* GreeterService::SayHelloClientStream(
    grpc::CallbackServerContext* context, greet::HelloReply* reply) {
  return new ClientStreamReactor(context, reply, limits_, observer_);
}

grpc::ServerBidiReactor<greet::HelloRequest, greet::HelloReply>* GreeterService::SayHelloBidiStream(
    grpc::CallbackServerContext* context) {
  return new BidiStreamReactor(context, limits_, observer_);
}

}  // namespace greeter

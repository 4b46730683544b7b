#include "server/greeter_service.h"

#include "server/bidi_stream_reactor.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/client_stream_reactor.h"
#include "server/delayed_unary_reactor.h"
#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/server_stream_reactor.h"

namespace greeter {

GreeterService::GreeterService(ServerLimits limits, asio::io_context& timers, CallObserver observer)
    : limits_(limits), timers_(timers), reporter_(std::move(observer)) {}

grpc::ServerUnaryReactor* GreeterService::SayHello(grpc::CallbackServerContext* context,
                                                   const greet::HelloRequest* request,
                                                   greet::HelloReply* reply) {
  CallTracker tracker("SayHello", context, reporter_);
  tracker.CountIn();
  EchoRequestedMetadata(*context);
  grpc::Status status = ValidateName(*request, limits_);
  CallKnobs knobs;
  if (status.ok()) {
    auto knobs_or_refusal = CallKnobs::From(*request, limits_, 0);
    if (auto* refusal = std::get_if<grpc::Status>(&knobs_or_refusal)) {
      status = *refusal;
    } else {
      knobs = std::get<CallKnobs>(knobs_or_refusal);
      if (auto failure = knobs.FailureDue(0)) status = *failure;
    }
  }
  if (status.ok()) {
    reply->set_message(GreetOne(request->name()));
    if (request->include_call_info()) {
      reply->mutable_call()->set_peer(context->peer());
      reply->mutable_call()->set_client_half_closed(true);
    }
    knobs.Shape(*reply);
  }
  if (knobs.first_reply_delay.count() > 0) {  // the reply counts once it goes, after the delay
    return new DelayedUnaryReactor(std::move(tracker), std::move(status), knobs.first_reply_delay,
                                   timers_);
  }
  // Nothing to wait for: answer in place with the library's ready-made reactor.
  if (status.ok()) tracker.CountOut();
  tracker.Report(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

grpc::ServerWriteReactor<greet::HelloReply>* GreeterService::SayHelloServerStream(
    grpc::CallbackServerContext* context, const greet::HelloRequest* request) {
  return new ServerStreamReactor(context, *request, limits_, timers_, reporter_);
}

grpc::ServerReadReactor<greet::HelloRequest>* GreeterService::SayHelloClientStream(
    grpc::CallbackServerContext* context, greet::HelloReply* reply) {
  return new ClientStreamReactor(context, reply, limits_, timers_, reporter_);
}

grpc::ServerBidiReactor<greet::HelloRequest, greet::HelloReply>* GreeterService::SayHelloBidiStream(
    grpc::CallbackServerContext* context) {
  return BidiStreamReactor::Start(context, limits_, timers_, rooms_, reporter_);
}

}  // namespace greeter

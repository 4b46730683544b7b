#include "server/greeter_service.h"

#include "server/bidi_stream_reactor.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/client_stream_reactor.h"
#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/server_stream_reactor.h"
#include "server/unary_reply_reactor.h"
#include "server/wire_messages.h"

namespace greeter {
namespace {

// A unary reply smaller than this is not charged to the reply memory: it is gone with its call,
// and the calls in flight are bounded per connection.
constexpr size_t kUnchargedUnaryReplyBytes = 1024;

// The reply to one SayHello request, or why there is none.
grpc::Status AnswerHello(const grpc::ByteBuffer& request_bytes,
                         grpc::CallbackServerContext& context, const ServerLimits& limits,
                         greet::HelloReply& reply, CallKnobs& knobs) {
  greet::HelloRequest request;
  if (auto status = ParseRequest(request_bytes, 1, request); !status.ok()) return status;
  if (auto status = ValidateName(request, limits); !status.ok()) return status;
  auto knobs_or_refusal = CallKnobs::From(request, limits, 0);
  if (auto* refusal = std::get_if<grpc::Status>(&knobs_or_refusal)) return *refusal;
  knobs = std::get<CallKnobs>(knobs_or_refusal);
  if (auto failure = knobs.FailureDue(0)) return *failure;
  reply.set_message(GreetOne(request.name()));
  if (request.include_call_info()) {
    reply.mutable_call()->set_peer(context.peer());
    reply.mutable_call()->set_client_half_closed(true);
  }
  knobs.Shape(reply);
  return grpc::Status::OK;
}

}  // namespace

GreeterService::GreeterService(ServerLimits limits, asio::io_context& timers, CallObserver observer,
                               const RoomEngineChoice& rooms)
    : limits_(limits),
      reporter_(std::move(observer)),
      env_{limits_, timers, reporter_, reply_memory_, open_calls_},
      rooms_(MakeRoomEngine(rooms, limits_, timers)) {}

grpc::ServerUnaryReactor* GreeterService::SayHello(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* reply) {
  CallTracker tracker("SayHello", context, env_);
  tracker.CountIn();
  grpc::Status status = tracker.Admit();
  CallKnobs knobs;
  std::optional<ReplyMemory::Claim> claim;
  if (status.ok()) {
    greet::HelloReply answer;
    status = AnswerHello(*request, *context, limits_, answer, knobs);
    if (status.ok()) SerializeReply(answer, *reply);
    if (status.ok() && reply->Length() >= kUnchargedUnaryReplyBytes) {
      claim = reply_memory_.TryClaim(reply->Length());
      if (!claim) {
        status = reply_memory_.Refusal();
        reply->Clear();
      }
    }
  }
  if (knobs.first_reply_delay.count() > 0 || claim) {  // the reply counts once it goes
    return new UnaryReplyReactor(std::move(tracker), std::move(status), knobs.first_reply_delay,
                                 std::move(claim), env_.timers);
  }
  // Nothing to wait for or hold: answer in place with the library's ready-made reactor.
  if (status.ok()) tracker.CountOut();
  tracker.Report(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* GreeterService::SayHelloServerStream(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new ServerStreamReactor(context, *request, env_);
}

grpc::ServerReadReactor<grpc::ByteBuffer>* GreeterService::SayHelloClientStream(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* reply) {
  return new ClientStreamReactor(context, reply, env_);
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* GreeterService::SayHelloBidiStream(
    grpc::CallbackServerContext* context) {
  return new BidiStreamReactor(context, env_, *rooms_);
}

}  // namespace greeter

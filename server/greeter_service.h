#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <asio/io_context.hpp>
#include <memory>

#include "greet.grpc.pb.h"
#include "server/call_environment.h"
#include "server/call_reporter.h"
#include "server/open_calls.h"
#include "server/reply_memory.h"
#include "server/rooms/room_engine_choice.h"
#include "server/server_limits.h"

namespace greeter {

// greet.Greeter with every method taking its messages as bytes (wire_messages.h says why).
using RawGreeterService = greet::Greeter::WithRawCallbackMethod_SayHello<
    greet::Greeter::WithRawCallbackMethod_SayHelloServerStream<
        greet::Greeter::WithRawCallbackMethod_SayHelloClientStream<
            greet::Greeter::WithRawCallbackMethod_SayHelloBidiStream<greet::Greeter::Service>>>>;

// The Greeter service on the callback API: a thin factory of one reactor per call.
class GreeterService final : public RawGreeterService {
 public:
  // `timers` runs the waits of server streams; it must outlive every call.
  GreeterService(ServerLimits limits, asio::io_context& timers, CallObserver observer,
                 const RoomEngineChoice& rooms = {});

  grpc::ServerUnaryReactor* SayHello(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* reply) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* SayHelloServerStream(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* SayHelloClientStream(
      grpc::CallbackServerContext* context, grpc::ByteBuffer* reply) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* SayHelloBidiStream(
      grpc::CallbackServerContext* context) override;

  const ServerLimits& limits() const { return limits_; }
  const CallReporter& reporter() const { return reporter_; }
  const ReplyMemory& reply_memory() const { return reply_memory_; }
  RoomEngine& rooms() { return *rooms_; }
  OpenCalls& open_calls() { return open_calls_; }

 private:
  const ServerLimits limits_;
  CallReporter reporter_;
  ReplyMemory reply_memory_{limits_.max_reply_memory_bytes};
  OpenCalls open_calls_{limits_.max_calls_per_connection, limits_.max_open_calls};
  CallEnvironment env_;
  std::unique_ptr<RoomEngine> rooms_;
};

}  // namespace greeter

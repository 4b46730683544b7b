#pragma once

#include <asio/io_context.hpp>

#include "greet.grpc.pb.h"
#include "server/call_reporter.h"
#include "server/rooms.h"
#include "server/server_limits.h"

namespace greeter {

// The Greeter service on the callback API: a thin factory of one reactor per call.
class GreeterService final : public greet::Greeter::CallbackService {
 public:
  // `timers` runs the waits of server streams; it must outlive every call.
  GreeterService(ServerLimits limits, asio::io_context& timers, CallObserver observer);

  grpc::ServerUnaryReactor* SayHello(grpc::CallbackServerContext* context,
                                     const greet::HelloRequest* request,
                                     greet::HelloReply* reply) override;
  grpc::ServerWriteReactor<greet::HelloReply>* SayHelloServerStream(
      grpc::CallbackServerContext* context, const greet::HelloRequest* request) override;
  grpc::ServerReadReactor<greet::HelloRequest>* SayHelloClientStream(
      grpc::CallbackServerContext* context, greet::HelloReply* reply) override;
  grpc::ServerBidiReactor<greet::HelloRequest, greet::HelloReply>* SayHelloBidiStream(
      grpc::CallbackServerContext* context) override;

  const ServerLimits& limits() const { return limits_; }
  const CallReporter& reporter() const { return reporter_; }
  Rooms& rooms() { return rooms_; }

 private:
  const ServerLimits limits_;
  asio::io_context& timers_;
  CallReporter reporter_;
  Rooms rooms_{limits_};
};

}  // namespace greeter

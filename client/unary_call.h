#pragma once

#include <memory>

#include "client/call_settings.h"
#include "greet.grpc.pb.h"

namespace greeter {

// SayHello: one request, one reply.
class UnaryCall {
 public:
  static std::shared_ptr<UnaryCall> Start(greet::Greeter::Stub& stub, const CallSettings& settings,
                                          greet::HelloRequest request, CallHandlers handlers);
  void Cancel() { context_.TryCancel(); }
  // The server's address, as this client connected to it.
  std::string peer() { return context_.peer(); }

 private:
  grpc::ClientContext context_;
  greet::HelloRequest request_;
  greet::HelloReply reply_;
};

}  // namespace greeter

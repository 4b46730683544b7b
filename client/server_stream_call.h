#pragma once

#include <grpcpp/support/client_callback.h>

#include <memory>

#include "client/call_settings.h"
#include "greet.grpc.pb.h"

namespace greeter {

// SayHelloServerStream: one request, then every reply as it arrives.
class ServerStreamCall final : public grpc::ClientReadReactor<greet::HelloReply> {
 public:
  static std::shared_ptr<ServerStreamCall> Start(greet::Greeter::Stub& stub,
                                                 const CallSettings& settings,
                                                 greet::HelloRequest request,
                                                 CallHandlers handlers);
  void Cancel() { context_.TryCancel(); }
  // The server's address, as this client connected to it.
  std::string peer() { return context_.peer(); }

  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  std::shared_ptr<ServerStreamCall> self_;  // alive until OnDone
  CallHandlers handlers_;
  grpc::ClientContext context_;
  greet::HelloRequest request_;
  greet::HelloReply reply_;
};

}  // namespace greeter

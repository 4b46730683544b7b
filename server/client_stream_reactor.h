#pragma once

#include <grpcpp/support/server_callback.h>

#include <string>
#include <vector>

#include "greet.pb.h"
#include "server/call_tracker.h"
#include "server/server_limits.h"

namespace greeter {

// SayHelloClientStream: reads names one at a time until the client half-closes, then replies
// once to greet them all. Reads are sequential, so every decision happens in OnReadDone and
// Finish is called exactly once, from there (or at once for a refused request).
class ClientStreamReactor final : public grpc::ServerReadReactor<greet::HelloRequest> {
 public:
  ClientStreamReactor(grpc::CallbackServerContext* context, greet::HelloReply* reply,
                      const ServerLimits& limits, const CallObserver& observer);

  void OnReadDone(bool ok) override;
  void OnDone() override;

 private:
  void FinishCall(grpc::Status status);

  grpc::CallbackServerContext* context_;
  greet::HelloReply* reply_;
  const ServerLimits& limits_;
  CallTracker tracker_;
  greet::HelloRequest request_;
  std::vector<std::string> names_;
  bool include_call_info_ = false;
  grpc::Status finished_with_;
};

}  // namespace greeter

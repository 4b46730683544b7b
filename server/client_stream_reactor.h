#pragma once

#include <grpcpp/support/server_callback.h>

#include <asio/io_context.hpp>
#include <string>
#include <vector>

#include "greet.pb.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/cancellable_timer.h"
#include "server/server_limits.h"

namespace greeter {

// SayHelloClientStream: reads names one at a time until the client half-closes, then replies
// once to greet them all. Reads are sequential and the reply's delay starts only after the
// last read, so each step is the only one in flight: the step that sees the end calls Finish,
// exactly once.
class ClientStreamReactor final : public grpc::ServerReadReactor<greet::HelloRequest> {
 public:
  ClientStreamReactor(grpc::CallbackServerContext* context, greet::HelloReply* reply,
                      const ServerLimits& limits, asio::io_context& timers, CallReporter& reporter);

  void OnReadDone(bool ok) override;
  void OnCancel() override { timer_.Cancel(); }
  void OnDone() override;

 private:
  grpc::Status TakeRequest();  // validates and keeps request_
  void Reply();
  void FinishCall(grpc::Status status);

  grpc::CallbackServerContext* context_;
  greet::HelloReply* reply_;
  const ServerLimits& limits_;
  CallTracker tracker_;
  CancellableTimer timer_;
  greet::HelloRequest request_;
  std::vector<std::string> names_;
  bool include_call_info_ = false;
  CallKnobs knobs_;
  grpc::Status finished_with_;
};

}  // namespace greeter

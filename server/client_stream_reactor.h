#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <optional>
#include <string>
#include <vector>

#include "greet.pb.h"
#include "server/call_environment.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/cancellable_timer.h"
#include "server/reply_memory.h"

namespace greeter {

// SayHelloClientStream: reads names one at a time until the client half-closes, then replies
// once to greet them all. Reads are sequential and the reply's delay starts only after the
// last read, so each step is the only one in flight: the step that sees the end calls Finish,
// exactly once.
class ClientStreamReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  ClientStreamReactor(grpc::CallbackServerContext* context, grpc::ByteBuffer* reply,
                      CallEnvironment& env);

  void OnReadDone(bool ok) override;
  void OnCancel() override { timer_.Cancel(); }
  void OnDone() override;

 private:
  grpc::Status TakeRequest();  // parses, validates and keeps request_bytes_
  void Reply();
  void FinishCall(grpc::Status status);

  grpc::CallbackServerContext* context_;
  grpc::ByteBuffer* reply_;
  CallEnvironment& env_;
  CallTracker tracker_;
  CancellableTimer timer_;
  grpc::ByteBuffer request_bytes_;  // owned by the read in flight
  greet::HelloRequest request_;
  std::vector<std::string> names_;
  bool include_call_info_ = false;
  CallKnobs knobs_;
  std::optional<ReplyMemory::Claim> claim_;  // the reply's bytes, until the call is done
  grpc::Status finished_with_;
};

}  // namespace greeter

#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <optional>

#include "greet.pb.h"
#include "server/call_environment.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/cancellable_timer.h"
#include "server/reply_memory.h"

namespace greeter {

// SayHelloServerStream: `count` replies, `interval_ms` apart on an asio timer.
//
// The call is a chain of steps, each either one write or one timer wait, never both. Whichever
// step sees the end (last reply sent, a failed write, a cancelled wait) calls Finish, so Finish
// runs exactly once. OnCancel only cuts a wait short; it never finishes the call itself.
// The reply being written holds its bytes of the server's reply memory until its write is done.
class ServerStreamReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  ServerStreamReactor(grpc::CallbackServerContext* context, const grpc::ByteBuffer& request,
                      CallEnvironment& env);

  void OnWriteDone(bool ok) override;
  void OnCancel() override { timer_.Cancel(); }
  void OnDone() override;

 private:
  grpc::Status Start(const grpc::ByteBuffer& request_bytes);  // OK: the first step may begin
  void NextStep();  // after `sent_` replies: wait, write, or finish
  void WriteNextReply();
  void FinishCall(grpc::Status status);

  grpc::CallbackServerContext* context_;
  CallEnvironment& env_;
  CallTracker tracker_;
  CancellableTimer timer_;
  std::string name_;
  uint32_t count_ = 0;
  std::chrono::milliseconds interval_{0};
  CallKnobs knobs_;
  uint32_t sent_ = 0;
  greet::HelloReply reply_;
  grpc::ByteBuffer reply_bytes_;  // owned by the write in flight
  std::optional<ReplyMemory::Claim> claim_;
  grpc::Status finished_with_;
};

}  // namespace greeter

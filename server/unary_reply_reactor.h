#pragma once

#include <grpcpp/support/server_callback.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <optional>

#include "server/call_tracker.h"
#include "server/cancellable_timer.h"
#include "server/reply_memory.h"

namespace greeter {

// A SayHello whose answer is ready but must wait (HelloRequest.first_reply_delay_ms), or holds
// reply memory until the client has taken it: finishes with `status` after `delay` (0: at once),
// or with CANCELLED when the client cancels or its deadline passes first. The claim is given
// back and the call reported when it is done. (Other unary calls use gRPC's DefaultReactor.)
class UnaryReplyReactor final : public grpc::ServerUnaryReactor {
 public:
  UnaryReplyReactor(CallTracker tracker, grpc::Status status, std::chrono::milliseconds delay,
                    std::optional<ReplyMemory::Claim> claim, asio::io_context& timers);

  void OnCancel() override { timer_.Cancel(); }
  void OnDone() override;

 private:
  void FinishWith(bool delay_elapsed);

  CallTracker tracker_;
  grpc::Status status_;
  std::optional<ReplyMemory::Claim> claim_;
  CancellableTimer timer_;
};

}  // namespace greeter

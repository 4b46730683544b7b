#pragma once

#include <grpcpp/support/server_callback.h>

#include <asio/io_context.hpp>
#include <chrono>

#include "server/call_tracker.h"
#include "server/cancellable_timer.h"

namespace greeter {

// A SayHello whose answer is ready but must wait (HelloRequest.first_reply_delay_ms): finishes
// with `status` after `delay`, or at once with CANCELLED when the client cancels or its
// deadline passes first. The tracker reports the call when it is done.
class DelayedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  DelayedUnaryReactor(CallTracker tracker, grpc::Status status, std::chrono::milliseconds delay,
                      asio::io_context& timers);

  void OnCancel() override { timer_.Cancel(); }
  void OnDone() override;

 private:
  CallTracker tracker_;
  grpc::Status status_;
  CancellableTimer timer_;
};

}  // namespace greeter

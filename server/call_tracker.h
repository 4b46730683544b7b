#pragma once

#include <grpcpp/server_context.h>

#include <atomic>
#include <chrono>

#include "server/call_record.h"
#include "server/call_reporter.h"

namespace greeter {

// Follows one call from start to end and reports it once, when it is done.
// Counters may be bumped from concurrent reactions (a bidi call reads and writes at once).
class CallTracker {
 public:
  CallTracker(const char* method, grpc::CallbackServerContext* context, CallReporter& reporter);
  // Moves before the call is shared between threads (a unary call handing over to a reactor).
  CallTracker(CallTracker&& other) noexcept
      : method_(other.method_),
        context_(other.context_),
        reporter_(other.reporter_),
        peer_(std::move(other.peer_)),
        start_(other.start_),
        messages_in_(other.messages_in()),
        messages_out_(other.messages_out()) {}

  void CountIn() { messages_in_.fetch_add(1, std::memory_order_relaxed); }
  void CountOut() {
    messages_out_.fetch_add(1, std::memory_order_relaxed);
    reporter_.MessageSent();
  }
  uint64_t messages_in() const { return messages_in_.load(std::memory_order_relaxed); }
  uint64_t messages_out() const { return messages_out_.load(std::memory_order_relaxed); }

  // Reports the call with the status the server finished it with. A call the client cancelled
  // (or whose deadline passed) is reported as the client saw it: CANCELLED or DEADLINE_EXCEEDED.
  void Report(const grpc::Status& finished_with) const;

 private:
  const char* method_;
  grpc::CallbackServerContext* context_;
  CallReporter& reporter_;
  std::string peer_;  // read at the start: a cancelled call may no longer know it
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> messages_in_{0};
  std::atomic<uint64_t> messages_out_{0};
};

}  // namespace greeter

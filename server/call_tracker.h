#pragma once

#include <grpcpp/server_context.h>

#include <atomic>
#include <chrono>

#include "server/call_record.h"

namespace greeter {

// Follows one call from start to end and reports it to the observer once, when it is done.
// Counters may be bumped from concurrent reactions (a bidi call reads and writes at once).
class CallTracker {
 public:
  CallTracker(const char* method, grpc::CallbackServerContext* context,
              const CallObserver& observer);

  void CountIn() { messages_in_.fetch_add(1, std::memory_order_relaxed); }
  void CountOut() { messages_out_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t messages_in() const { return messages_in_.load(std::memory_order_relaxed); }
  uint64_t messages_out() const { return messages_out_.load(std::memory_order_relaxed); }

  // Reports the call with the status the server finished it with. A call the client cancelled
  // (or whose deadline passed) is reported as the client saw it: CANCELLED or DEADLINE_EXCEEDED.
  void Report(const grpc::Status& finished_with) const;

 private:
  const char* method_;
  grpc::CallbackServerContext* context_;
  const CallObserver& observer_;
  std::string peer_;  // read at the start: a cancelled call may no longer know it
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> messages_in_{0};
  std::atomic<uint64_t> messages_out_{0};
};

}  // namespace greeter

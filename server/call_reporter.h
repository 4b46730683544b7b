#pragma once

#include <atomic>
#include <cstdint>

#include "server/call_record.h"

namespace greeter {

// Where every call of a server reports: the observer (the call log, or a test), and running
// totals that can be read while calls are in flight.
class CallReporter {
 public:
  explicit CallReporter(CallObserver observer) : observer_(std::move(observer)) {}

  void CallStarted() { calls_started_.fetch_add(1, std::memory_order_relaxed); }
  void MessageSent() { messages_sent_.fetch_add(1, std::memory_order_relaxed); }
  void CallFinished(const CallRecord& record) {
    calls_finished_.fetch_add(1, std::memory_order_relaxed);
    if (observer_) observer_(record);
  }
  bool observed() const { return static_cast<bool>(observer_); }

  // Replies written so far, by every call: shows a stream's progress while it runs.
  uint64_t messages_sent() const { return messages_sent_.load(std::memory_order_relaxed); }
  uint64_t calls_started() const { return calls_started_.load(std::memory_order_relaxed); }
  uint64_t calls_finished() const { return calls_finished_.load(std::memory_order_relaxed); }

 private:
  const CallObserver observer_;
  std::atomic<uint64_t> messages_sent_{0};
  std::atomic<uint64_t> calls_started_{0};
  std::atomic<uint64_t> calls_finished_{0};
};

}  // namespace greeter

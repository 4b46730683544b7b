#pragma once

#include <grpcpp/server_context.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "server/call_environment.h"
#include "server/call_record.h"

namespace greeter {

// Follows one call from start to end and reports it once, when it is done. It also holds the
// call's place on its connection and on the server (OpenCalls): a call that got none must be
// refused at once with the status Admit() gives.
// Counters may be bumped from concurrent reactions (a bidi call reads and writes at once).
class CallTracker {
 public:
  CallTracker(const char* method, grpc::CallbackServerContext* context, CallEnvironment& env);
  // Moves before the call is shared between threads (a unary call handing over to a reactor).
  CallTracker(CallTracker&& other) noexcept
      : method_(other.method_),
        context_(other.context_),
        reporter_(other.reporter_),
        slot_(std::move(other.slot_)),
        admission_refusal_(std::move(other.admission_refusal_)),
        refused_peer_(std::move(other.refused_peer_)),
        start_(other.start_),
        messages_in_(other.messages_in()),
        messages_out_(other.messages_out()),
        server_cancel_reason_(std::move(other.server_cancel_reason_)) {}

  // What every call checks first: OK, or the status to finish with at once (the connection or
  // the server has as many calls open as it may, or metadata to echo that gRPC could not send).
  // Echoes the requested metadata (EchoRequestedMetadata) when it is OK.
  grpc::Status Admit();

  void CountIn() { messages_in_.fetch_add(1, std::memory_order_relaxed); }
  void CountOut() {
    messages_out_.fetch_add(1, std::memory_order_relaxed);
    reporter_.MessageSent();
  }
  uint64_t messages_in() const { return messages_in_.load(std::memory_order_relaxed); }
  uint64_t messages_out() const { return messages_out_.load(std::memory_order_relaxed); }
  const std::string& peer() const;

  // The server is about to cancel the call itself (TryCancel), for `reason`: the log says so
  // instead of a plain "call cancelled". Before the cancel, from the one thread that decides it.
  void NoteServerCancel(std::string reason) { server_cancel_reason_ = std::move(reason); }

  // Reports the call with the status the server finished it with. A call the client cancelled
  // (or whose deadline passed) is reported as the client saw it: CANCELLED or DEADLINE_EXCEEDED.
  // The call's place is given back first.
  void Report(const grpc::Status& finished_with);

 private:
  const char* method_;
  grpc::CallbackServerContext* context_;
  CallReporter& reporter_;
  std::optional<OpenCalls::Slot> slot_;  // holds the peer, read at the start
  std::optional<grpc::Status> admission_refusal_;
  std::string refused_peer_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> messages_in_{0};
  std::atomic<uint64_t> messages_out_{0};
  std::string server_cancel_reason_;
};

}  // namespace greeter

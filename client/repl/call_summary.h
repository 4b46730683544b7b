#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace greeter::repl {

// What a finished call looked like, for the line the interactive client prints after it.
struct FinishedCall {
  grpc::Status status;
  std::chrono::nanoseconds elapsed{0};
  uint64_t replies = 0;
  bool streamed_replies = false;  // a server or bidi stream: report count and rate
  bool cancelled_by_user = false;
};

// For a person: "OK in 1.2 ms", "OK: 3 replies in 301 ms, 10.0 replies/s",
// "INVALID_ARGUMENT: name: must be ... (0.8 ms)", "CANCELLED by Ctrl-C after 2 replies in 1.50 s".
// For a script (with_timing false) the timings go and OK says nothing, so that the output of a
// piped session is the same on every run.
std::string CallSummary(const FinishedCall& call, bool with_timing);

// "0.8 ms", "301 ms", "1.50 s"
std::string FormatElapsed(std::chrono::nanoseconds elapsed);

}  // namespace greeter::repl

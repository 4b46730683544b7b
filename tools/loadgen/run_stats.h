#pragma once

#include <grpcpp/support/status.h>

#include <array>
#include <cstdint>
#include <string>

#include "tools/loadgen/latency_histogram.h"

namespace greeter::bench {

// What the calls of a run did while it was measured. One per thread while recording; merged for
// the report.
struct RunStats {
  // Per call for unary, server-stream and client-stream; per request-reply round trip for bidi.
  LatencyHistogram latency;
  uint64_t calls_ok = 0;
  uint64_t messages_sent = 0;      // writes the client completed
  uint64_t messages_received = 0;  // replies read
  uint64_t invalid_replies = 0;    // a reply that is not what greet.proto promises
  std::array<uint64_t, grpc::StatusCode::UNAUTHENTICATED + 1> errors_by_code{};
  std::string first_error_message;  // of the first failed call, so a report can say why

  // A call's end: an OK call, or an error by its code. Returns whether it was OK, for the
  // caller's own checks of an OK call.
  bool RecordEnd(const grpc::Status& status) {
    if (status.ok()) {
      ++calls_ok;
    } else {
      if (errors() == 0) first_error_message = status.error_message();
      ++errors_by_code[static_cast<size_t>(status.error_code())];
    }
    return status.ok();
  }
  uint64_t errors() const;
  void Merge(const RunStats& other);
};

}  // namespace greeter::bench

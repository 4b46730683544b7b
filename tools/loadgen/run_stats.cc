#include "tools/loadgen/run_stats.h"

namespace greeter::bench {

uint64_t RunStats::errors() const {
  uint64_t total = 0;
  for (const uint64_t count : errors_by_code) total += count;
  return total;
}

void RunStats::Merge(const RunStats& other) {
  if (errors() == 0 && other.errors() > 0) first_error_message = other.first_error_message;
  latency.Merge(other.latency);
  calls_ok += other.calls_ok;
  messages_sent += other.messages_sent;
  messages_received += other.messages_received;
  invalid_replies += other.invalid_replies;
  for (size_t code = 0; code < errors_by_code.size(); ++code) {
    errors_by_code[code] += other.errors_by_code[code];
  }
}

}  // namespace greeter::bench

#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "tools/loadgen/bench_options.h"
#include "tools/loadgen/run_stats.h"

namespace greeter::bench {

// The outcome of one run: what was measured, over how long, at what CPU cost.
struct RunReport {
  BenchOptions options;
  RunStats stats;
  double seconds = 0;                         // length of the measured window
  double bench_cpu_seconds = 0;               // greeter-bench's own CPU time in that window
  std::optional<double> server_cpu_seconds;   // --server-pid's, when given and readable
  std::optional<double> machine_cpu_seconds;  // every process's, all cores (/proc/stat)
  int distinct_peers = 0;                     // see CountDistinctPeers
  bool drained = true;  // every call ended by itself after the window (none left hanging)
};

// "Messages" of the mode's data direction: replies for server-stream and bidi, requests for
// client-stream, calls for unary.
uint64_t MessagesOfInterest(const RunReport& report);

void PrintText(const RunReport& report, std::ostream& out);
nlohmann::json ToJson(const RunReport& report);

}  // namespace greeter::bench

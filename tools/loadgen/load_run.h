#pragma once

#include <iosfwd>

#include "tools/loadgen/bench_options.h"
#include "tools/loadgen/run_report.h"

namespace greeter::bench {

// Runs calls of options.mode (unary, server-stream, client-stream, bidi): connects, warms up,
// measures for --duration (or --requests), stops and waits for the calls in flight to end.
// Throws std::runtime_error when the target cannot be reached.
RunReport RunLoad(const BenchOptions& options);

// --mode idle-bidi, driven through stdin so that a script can measure the server in between:
// connects and prints "greeter-bench: connected N connection(s)"; on a line (or end) of input
// opens --concurrency streams and prints "greeter-bench: holding N idle bidi streams"; on the
// next line (or end) of input half-closes them all. Each wait ends at --duration.
RunReport HoldIdleStreams(const BenchOptions& options, std::ostream& progress);

}  // namespace greeter::bench

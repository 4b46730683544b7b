#pragma once

#include "tools/loadgen/call_scheduler.h"

namespace greeter::bench {

// One SayHelloServerStream asking for --messages replies with interval_ms = 0. Every reply counts
// as a message; the latency is the whole call's, request to last reply.
void StartServerStreamCall(Workload& workload, CallScheduler& scheduler, int lane,
                           Clock::time_point intended_start);

}  // namespace greeter::bench

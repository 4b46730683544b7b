#pragma once

#include "tools/loadgen/call_scheduler.h"

namespace greeter::bench {

// One SayHelloClientStream sending --messages names, the last one with the half-close. Every
// completed write counts as a message; the latency is the whole call's, first write to reply.
void StartClientStreamCall(Workload& workload, CallScheduler& scheduler, int lane,
                           Clock::time_point intended_start);

}  // namespace greeter::bench

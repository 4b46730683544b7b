#pragma once

#include "tools/loadgen/call_scheduler.h"

namespace greeter::bench {

// One SayHelloBidiStream sending --messages requests (0: until the run ends) with at most
// --window of them unanswered; --window 1 is ping-pong. The latency is per request, from its
// write to its reply.
void StartBidiStream(Workload& workload, CallScheduler& scheduler, int lane,
                     Clock::time_point intended_start);

}  // namespace greeter::bench

#pragma once

#include "tools/loadgen/call_scheduler.h"

namespace greeter::bench {

// One SayHello; its latency runs from the intended start to the reply.
void StartUnaryCall(Workload& workload, CallScheduler& scheduler, int lane,
                    Clock::time_point intended_start);

}  // namespace greeter::bench

#pragma once

#include "tools/loadgen/call_scheduler.h"

namespace greeter::bench {

// One member of a chat room (--mode fanout): a SayHelloBidiStream that joins room
// "room-<lane % --rooms>" as "member-<lane>", then says --messages texts (0: until the run ends)
// with at most --window of its own unacknowledged. Every MESSAGE event it receives, its own and
// the other members', counts as a delivered message; each text carries its send time, so the
// latency is from a member's write to each member's receipt (one machine, one steady clock).
void StartFanoutMember(Workload& workload, CallScheduler& scheduler, int lane,
                       Clock::time_point intended_start);

}  // namespace greeter::bench

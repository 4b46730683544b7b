#pragma once

#include <chrono>
#include <optional>

namespace greeter::bench {

// CPU time (user + system, all threads) this process has used so far.
std::chrono::nanoseconds OwnCpuTime();

// The same for another process on this machine, from /proc/PID/stat (clock-tick resolution,
// 10 ms on Debian). Nothing if it cannot be read.
std::optional<std::chrono::nanoseconds> ProcessCpuTime(int pid);

// CPU time every core of the machine has spent busy (user, nice, system, irq, softirq) so far,
// from /proc/stat: with this process's and the server's, it tells how much other work ran.
std::optional<std::chrono::nanoseconds> MachineBusyTime();

}  // namespace greeter::bench

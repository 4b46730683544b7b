#pragma once

#include <chrono>
#include <optional>

namespace greeter::bench {

// CPU time (user + system, all threads) this process has used so far.
std::chrono::nanoseconds OwnCpuTime();

// The same for another process on this machine, from /proc/PID/stat (clock-tick resolution,
// 10 ms on Debian). Nothing if it cannot be read.
std::optional<std::chrono::nanoseconds> ProcessCpuTime(int pid);

}  // namespace greeter::bench

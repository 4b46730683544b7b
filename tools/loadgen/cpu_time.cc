#include "tools/loadgen/cpu_time.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace greeter::bench {
namespace {

std::chrono::nanoseconds FromTimeval(const timeval& time) {
  return std::chrono::seconds(time.tv_sec) + std::chrono::microseconds(time.tv_usec);
}

std::chrono::nanoseconds FromTicks(long long ticks) {
  return std::chrono::nanoseconds(ticks * 1'000'000'000LL / sysconf(_SC_CLK_TCK));
}

}  // namespace

std::chrono::nanoseconds OwnCpuTime() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return FromTimeval(usage.ru_utime) + FromTimeval(usage.ru_stime);
}

std::optional<std::chrono::nanoseconds> ProcessCpuTime(int pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat_file, line)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const size_t name_end = line.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(name_end + 1));
  std::string field;
  long long utime = -1;
  long long stime = -1;
  // Fields 3 to 13 come first; utime and stime are fields 14 and 15 (proc(5)).
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime = std::stoll(field);
    if (number == 15) stime = std::stoll(field);
  }
  if (utime < 0 || stime < 0) return std::nullopt;
  return FromTicks(utime + stime);
}

std::optional<std::chrono::nanoseconds> MachineBusyTime() {
  std::ifstream stat_file("/proc/stat");
  std::string label;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  if (!(stat_file >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq) ||
      label != "cpu") {
    return std::nullopt;
  }
  return FromTicks(user + nice + system + irq + softirq);
}

}  // namespace greeter::bench

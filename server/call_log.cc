#include "server/call_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/status_code_names.h"

namespace greeter {
namespace {

std::string UtcTimestampNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char with_milliseconds[40];
  std::snprintf(with_milliseconds, sizeof with_milliseconds, "%s.%03dZ", text,
                static_cast<int>(milliseconds));
  return with_milliseconds;
}

// Keeps one call on one line whatever the status message holds.
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

}  // namespace

std::string FormatCallLogLine(const CallRecord& record) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1fms",
                static_cast<double>(record.duration.count()) / 1000.0);
  std::string line = UtcTimestampNow() + " " + record.method + " " + record.peer + " " +
                     std::string(StatusCodeName(record.code));
  if (!record.message.empty()) line += " " + Quoted(record.message);
  line += std::string(" ") + duration + " in=" + std::to_string(record.messages_in) +
          " out=" + std::to_string(record.messages_out) + "\n";
  return line;
}

CallObserver StderrCallLog() {
  return [](const CallRecord& record) {
    const std::string line = FormatCallLogLine(record);
    std::fwrite(line.data(), 1, line.size(), stderr);  // stdio locks: lines never interleave
  };
}

}  // namespace greeter

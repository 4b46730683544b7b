#include "server/call_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

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

std::string FormatCallLogJson(const CallRecord& record) {
  nlohmann::ordered_json line = {
      {"time", UtcTimestampNow()},
      {"method", record.method},
      {"peer", record.peer},
      {"code", std::string(StatusCodeName(record.code))},
  };
  if (!record.message.empty()) line["message"] = record.message;
  line["duration_ms"] = static_cast<double>(record.duration.count()) / 1000.0;
  line["in"] = record.messages_in;
  line["out"] = record.messages_out;
  // Invalid UTF-8 in a peer's status message must not throw: replace it.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

CallObserver CallLogTo(StderrLog& log, CallLogFormat format) {
  return [&log, format](const CallRecord& record) {
    log.Write(format == CallLogFormat::kJson ? FormatCallLogJson(record)
                                             : FormatCallLogLine(record));
  };
}

}  // namespace greeter

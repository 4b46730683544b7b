#include "tools/loadgen/run_report.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "common/status_code_names.h"

namespace greeter::bench {
namespace {

constexpr std::pair<const char*, double> kPercentiles[] = {
    {"p50", 50}, {"p90", 90}, {"p99", 99}, {"p99.9", 99.9}};

double PerSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

std::string Milliseconds(std::chrono::nanoseconds value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(value.count()) / 1e6);
  return text;
}

std::string Fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// CPU microseconds per message of interest: what one message costs a process.
double MicrosecondsPer(double cpu_seconds, uint64_t count) {
  return count > 0 ? cpu_seconds * 1e6 / static_cast<double>(count) : 0;
}

const char* LatencyUnit(Mode mode) {
  switch (mode) {
    case Mode::kBidi:
      return "request-reply round trip";
    case Mode::kIdleBidi:
      return "stream opening (first reply)";
    case Mode::kFanout:
      return "room message, from its write to each member's receipt";
    default:
      return "call";
  }
}

}  // namespace

// --messages as the mode uses it: a unary call and an idle stream send one request whatever
// --messages says; 0 for bidi and fanout means "until the run ends".
uint32_t MessagesPerCall(const BenchOptions& options) {
  return options.mode == Mode::kUnary || options.mode == Mode::kIdleBidi ? 1 : options.messages;
}

uint64_t MessagesOfInterest(const RunReport& report) {
  switch (report.options.mode) {
    case Mode::kClientStream:
      return report.stats.messages_sent;
    case Mode::kUnary:
      return report.stats.calls_ok;
    default:
      return report.stats.messages_received;
  }
}

void PrintText(const RunReport& report, std::ostream& out) {
  const BenchOptions& options = report.options;
  const RunStats& stats = report.stats;
  out << "greeter-bench " << ModeName(options.mode) << " -> " << options.target << ": "
      << options.connections << " connection(s), " << options.concurrency << " in flight, "
      << (options.rate > 0 ? Fixed(options.rate, 0) + " calls/s open loop" : "closed loop") << ", "
      << Fixed(report.seconds, 2) << " s measured\n";
  out << "  calls:    " << stats.calls_ok << " OK, "
      << Fixed(PerSecond(stats.calls_ok, report.seconds), 1) << "/s\n";
  out << "  messages: " << Fixed(PerSecond(MessagesOfInterest(report), report.seconds), 1)
      << "/s (sent " << stats.messages_sent << ", received " << stats.messages_received << ")\n";
  out << "  latency per " << LatencyUnit(options.mode) << ":";
  for (const auto& [name, percentile] : kPercentiles) {
    out << " " << name << " " << Milliseconds(stats.latency.ValueAtPercentile(percentile));
  }
  out << " max " << Milliseconds(stats.latency.max()) << "\n";
  if (stats.errors() > 0 || stats.invalid_replies > 0) {
    out << "  errors:  ";
    for (size_t code = 0; code < stats.errors_by_code.size(); ++code) {
      if (stats.errors_by_code[code] == 0) continue;
      out << " " << StatusCodeName(static_cast<grpc::StatusCode>(code)) << " "
          << stats.errors_by_code[code];
    }
    if (stats.invalid_replies > 0) out << " invalid-replies " << stats.invalid_replies;
    out << "\n";
    if (!stats.first_error_message.empty()) {
      out << "  first error: " << stats.first_error_message << "\n";
    }
  }
  const uint64_t messages = MessagesOfInterest(report);
  out << "  cpu:      greeter-bench " << Fixed(report.bench_cpu_seconds / report.seconds, 2)
      << " cores (" << Fixed(MicrosecondsPer(report.bench_cpu_seconds, messages), 2)
      << " us/message)";
  if (report.server_cpu_seconds) {
    out << ", server " << Fixed(*report.server_cpu_seconds / report.seconds, 2) << " cores ("
        << Fixed(MicrosecondsPer(*report.server_cpu_seconds, messages), 2) << " us/message)";
  }
  if (report.machine_cpu_seconds) {
    out << ", whole machine " << Fixed(*report.machine_cpu_seconds / report.seconds, 2) << " cores";
  }
  out << "\n";
  if (!report.drained) out << "  warning: some calls had not ended 5 s after the window\n";
}

nlohmann::json ToJson(const RunReport& report) {
  const BenchOptions& options = report.options;
  const RunStats& stats = report.stats;
  nlohmann::json latency = {{"of", LatencyUnit(options.mode)},
                            {"count", stats.latency.count()},
                            {"mean", stats.latency.mean().count()},
                            {"max", stats.latency.max().count()}};
  for (const auto& [name, percentile] : kPercentiles) {
    latency[name] = stats.latency.ValueAtPercentile(percentile).count();
  }
  nlohmann::json errors = nlohmann::json::object();
  for (size_t code = 0; code < stats.errors_by_code.size(); ++code) {
    if (stats.errors_by_code[code] > 0) {
      errors[std::string(StatusCodeName(static_cast<grpc::StatusCode>(code)))] =
          stats.errors_by_code[code];
    }
  }
  const uint64_t messages = MessagesOfInterest(report);
  nlohmann::json json = {
      {"mode", ModeName(options.mode)},
      {"target", options.target},
      {"connections", options.connections},
      {"concurrency", options.concurrency},
      {"rate", options.rate},
      {"messages_per_call", MessagesPerCall(options)},
      {"window", options.window},
      {"rooms", options.rooms},
      {"payload_bytes", options.payload_bytes},
      {"seconds", report.seconds},
      {"calls_ok", stats.calls_ok},
      {"calls_per_second", PerSecond(stats.calls_ok, report.seconds)},
      {"messages_sent", stats.messages_sent},
      {"messages_received", stats.messages_received},
      {"messages_per_second", PerSecond(messages, report.seconds)},
      {"latency_ns", latency},
      {"errors", errors},
      {"invalid_replies", stats.invalid_replies},
      {"bench_cpu_cores", report.bench_cpu_seconds / report.seconds},
      {"bench_cpu_us_per_message", MicrosecondsPer(report.bench_cpu_seconds, messages)},
      {"distinct_peers", report.distinct_peers},
      {"drained", report.drained},
  };
  if (report.server_cpu_seconds) {
    json["server_cpu_cores"] = *report.server_cpu_seconds / report.seconds;
    json["server_cpu_us_per_message"] = MicrosecondsPer(*report.server_cpu_seconds, messages);
  }
  if (report.machine_cpu_seconds) {
    json["machine_cpu_cores"] = *report.machine_cpu_seconds / report.seconds;
    // Work of other processes in the window: it competes for the cores and skews the figures.
    const double others = *report.machine_cpu_seconds - report.bench_cpu_seconds -
                          report.server_cpu_seconds.value_or(0);
    json["other_cpu_cores"] = std::max(0.0, others / report.seconds);
  }
  return json;
}

}  // namespace greeter::bench

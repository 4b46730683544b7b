// greeter-bench: a load generator for the four call shapes of greet.Greeter, on gRPC's callback
// API. See tools/benchmark/README.md.

#include <absl/synchronization/mutex.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "common/command_line.h"
#include "common/duration.h"
#include "common/grpc_callback_threads.h"
#include "tools/loadgen/bench_options.h"
#include "tools/loadgen/load_run.h"

namespace {

using greeter::bench::BenchOptions;
using greeter::bench::Mode;

// Checks what CLI11 cannot check per option. Returns a message, empty when all is well.
std::string CheckOptions(const BenchOptions& options) {
  if (options.mode == Mode::kClientStream && options.messages == 0) {
    return "--mode client-stream needs --messages of at least 1";
  }
  if (options.rate > 0 && options.mode != Mode::kUnary && options.mode != Mode::kServerStream &&
      options.mode != Mode::kClientStream) {
    return "--rate paces calls: it works with unary, server-stream and client-stream";
  }
  if ((options.mode == Mode::kBidi || options.mode == Mode::kFanout) && options.window == 0) {
    return "--window must be at least 1";
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions options;
  std::string mode_text = "unary";
  std::string duration_text = "10s";
  std::string warmup_text = "1s";
  uint64_t requests = 0;
  int server_pid = 0;
  std::string deadline_text;
  std::string connect_timeout_text = "10s";

  CLI::App app{
      "greeter-bench: load for greet.Greeter in each call shape; reports calls/s, messages/s, "
      "latency percentiles, errors by status code and CPU use."};
  app.add_option("--mode", mode_text,
                 "unary | server-stream | client-stream | bidi | idle-bidi | fanout")
      ->capture_default_str();
  app.add_option("--target", options.target,
                 "Server address, host:port; several, comma-separated, take the connections in "
                 "turn")
      ->capture_default_str();
  std::string client_stack = "lean";
  app.add_option("--client-stack", client_stack,
                 "lean: each channel straight over a TCP connection greeter-bench opens, with "
                 "gRPC's minimal filters and no retry filter (about 0.7x the CPU per call, so "
                 "the generator is less often the bottleneck); full: channels as applications "
                 "make them (resolver, load balancer, retries)")
      ->capture_default_str()
      ->check(CLI::IsMember({"lean", "full"}));
  app.add_option("--connections", options.connections,
                 "Channels, each its own TCP connection; calls are spread over them")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--concurrency", options.concurrency,
                 "Calls (streams) in flight; for idle-bidi, the streams to hold open")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--duration", duration_text,
                 "How long to measure (idle-bidi: the longest it waits at each step)")
      ->capture_default_str();
  app.add_option("--requests", requests,
                 "Stop after this many calls started after the warmup (or at --duration)");
  app.add_option("--warmup", warmup_text, "Load before measuring, not counted")
      ->capture_default_str();
  app.add_option("--rate", options.rate,
                 "Calls started per second, open loop (latency counts from the scheduled start); "
                 "0: closed loop, each call starts when the last one of its lane ends")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("--messages", options.messages,
                 "Per call: server-stream replies, client-stream requests, bidi requests, fanout "
                 "texts per member (0 for bidi and fanout: until the end of the run)")
      ->capture_default_str();
  app.add_option("--window", options.window,
                 "bidi: requests in flight per stream before waiting for replies (1: ping-pong); "
                 "fanout: own texts per member not yet back from the room")
      ->capture_default_str();
  app.add_option("--idle-members", options.idle_members,
                 "fanout: of the --concurrency members, this many join and never call Read. "
                 "Their gRPC transport still takes replies in until its window is full, so "
                 "the server goes on writing to them until then. They count no deliveries and "
                 "no errors")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("--rooms", options.rooms,
                 "fanout: chat rooms; the --concurrency members are spread over them")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--payload", options.payload_bytes,
                 "Bytes of HelloRequest.name in every request (the server must accept them: "
                 "greeter-server --max-name-bytes)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4 << 20));
  app.add_option("--reply-padding", options.reply_padding_bytes,
                 "Ask for this many bytes of HelloReply.padding in every reply")
      ->capture_default_str();
  app.add_option("--connect-timeout", connect_timeout_text,
                 "How long each connection may take to connect and answer a first call")
      ->capture_default_str();
  app.add_option("--deadline", deadline_text,
                 "Deadline of every call, e.g. 2s (sent as grpc-timeout; none by default, as it "
                 "costs the server a timer per call)");
  app.add_option("--server-pid", server_pid,
                 "Also report the CPU time this local process (the server) used in the window");
  app.add_flag("--json", options.json, "One JSON object on stdout instead of the text report");
  if (const auto exit_code = greeter::ParseCommandLine(app, argc, argv)) return *exit_code;
  // Debian builds abseil without NDEBUG: every absl::Mutex in gRPC would keep a lock graph for
  // deadlock detection, some 10 % of gRPC's instructions per call. The generator must stay
  // lighter than the servers it drives.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const auto mode = greeter::bench::ParseMode(mode_text);
  const auto duration = greeter::ParseDuration(duration_text);
  const auto warmup = greeter::ParseDuration(warmup_text);
  if (!mode) {
    std::cerr << "greeter-bench: --mode: unknown mode " << mode_text << "\n";
    return 2;
  }
  if (!duration || duration->count() == 0 || !warmup) {
    std::cerr << "greeter-bench: --duration and --warmup take durations such as 500ms or 10s\n";
    return 2;
  }
  options.mode = *mode;
  options.full_client_stack = client_stack == "full";
  options.duration = *duration;
  options.warmup = *warmup;
  if (requests > 0) options.requests = requests;
  if (server_pid > 0) options.server_pid = server_pid;
  const auto connect_timeout = greeter::ParseDuration(connect_timeout_text);
  if (!connect_timeout || connect_timeout->count() == 0) {
    std::cerr << "greeter-bench: --connect-timeout takes a duration such as 500ms or 10s\n";
    return 2;
  }
  options.connect_timeout = *connect_timeout;
  if (!deadline_text.empty()) {
    const auto deadline = greeter::ParseDuration(deadline_text);
    if (!deadline || deadline->count() == 0) {
      std::cerr << "greeter-bench: --deadline takes a duration such as 500ms or 2s\n";
      return 2;
    }
    options.deadline = *deadline;
  }
  if (const std::string problem = CheckOptions(options); !problem.empty()) {
    std::cerr << "greeter-bench: " << problem << "\n";
    return 2;
  }

  try {
    greeter::KeepGrpcCallbackThreadsForTheProcess();  // before the first call
    const greeter::bench::RunReport report =
        options.mode == Mode::kIdleBidi ? greeter::bench::HoldIdleStreams(options, std::cout)
                                        : greeter::bench::RunLoad(options);
    if (options.json) {
      std::cout << greeter::bench::ToJson(report).dump() << std::endl;
    } else {
      greeter::bench::PrintText(report, std::cout);
    }
    // Calls still in flight may yet touch the run's state: leave without tearing anything down.
    if (!report.drained) std::_Exit(1);
    // A bidi stream with --messages 0 lasts the whole run: its replies count as progress.
    const bool progressed = report.stats.calls_ok > 0 || report.stats.messages_received > 0;
    const bool clean = progressed && report.drained && report.stats.errors() == 0 &&
                       report.stats.invalid_replies == 0;
    return clean ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "greeter-bench: " << error.what() << "\n";
    return 1;
  }
}

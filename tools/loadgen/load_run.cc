#include "tools/loadgen/load_run.h"

#include <poll.h>
#include <unistd.h>

#include <ostream>
#include <stdexcept>
#include <thread>

#include "tools/loadgen/bidi_stream.h"
#include "tools/loadgen/client_stream_call.h"
#include "tools/loadgen/connections.h"
#include "tools/loadgen/cpu_time.h"
#include "tools/loadgen/fanout_member.h"
#include "tools/loadgen/idle_streams.h"
#include "tools/loadgen/server_stream_call.h"
#include "tools/loadgen/unary_call.h"

namespace greeter::bench {
namespace {

// How long calls may take to end after the window. Past that the run is reported as not drained
// and the process exits without waiting for them (main).
constexpr auto kGrace = std::chrono::seconds(5);

CallStarter StarterFor(Mode mode) {
  switch (mode) {
    case Mode::kUnary:
      return StartUnaryCall;
    case Mode::kServerStream:
      return StartServerStreamCall;
    case Mode::kClientStream:
      return StartClientStreamCall;
    case Mode::kBidi:
      return StartBidiStream;
    case Mode::kFanout:
      return StartFanoutMember;
    default:
      throw std::logic_error("no call starter for this mode");
  }
}

std::vector<std::unique_ptr<greet::Greeter::Stub>> Connect(
    const BenchOptions& options, std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  channels = OpenChannels(options.target, options.connections, options.full_client_stack,
                          options.connect_timeout);
  std::vector<std::unique_ptr<greet::Greeter::Stub>> stubs;
  for (const auto& channel : channels) stubs.push_back(greet::Greeter::NewStub(channel));
  return stubs;
}

// Measures CPU time over the window, this process's and the server's.
class CpuMeter {
 public:
  explicit CpuMeter(std::optional<int> server_pid) : server_pid_(server_pid) {}
  void Start() {
    own_ = OwnCpuTime();
    machine_ = MachineBusyTime();
    if (server_pid_) server_ = ProcessCpuTime(*server_pid_);
  }
  void Stop(RunReport& report) const {
    report.bench_cpu_seconds = Seconds(OwnCpuTime() - own_);
    if (auto now = MachineBusyTime(); now && machine_) {
      report.machine_cpu_seconds = Seconds(*now - *machine_);
    }
    if (!server_ || !server_pid_) return;
    if (auto now = ProcessCpuTime(*server_pid_))
      report.server_cpu_seconds = Seconds(*now - *server_);
  }

 private:
  std::optional<int> server_pid_;
  static double Seconds(std::chrono::nanoseconds time) {
    return std::chrono::duration<double>(time).count();
  }

  std::chrono::nanoseconds own_{};
  std::optional<std::chrono::nanoseconds> machine_;
  std::optional<std::chrono::nanoseconds> server_;
};

// Waits for a line on stdin, or its end, or the deadline.
void WaitForInputLine(Clock::time_point deadline) {
  static bool input_ended = false;
  while (!input_ended) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    pollfd input{STDIN_FILENO, POLLIN, 0};
    if (::poll(&input, 1, static_cast<int>(left.count())) <= 0) continue;  // timeout, or EINTR
    char c = 0;
    if (::read(STDIN_FILENO, &c, 1) <= 0) {
      input_ended = true;
    } else if (c == '\n') {
      return;
    }
  }
}

}  // namespace

RunReport RunLoad(const BenchOptions& options) {
  RunReport report;
  report.options = options;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  auto stubs = Connect(options, channels);
  report.distinct_peers = CountDistinctPeers(channels);

  // On the heap: should a call outlive the grace period, the workload is leaked rather than
  // destroyed under that call.
  auto workload = std::make_unique<Workload>(options, std::move(stubs));
  std::unique_ptr<CallScheduler> scheduler;
  if (options.rate > 0) {
    scheduler = std::make_unique<OpenLoopScheduler>(*workload, StarterFor(options.mode));
  } else {
    scheduler = std::make_unique<ClosedLoopScheduler>(*workload, StarterFor(options.mode));
  }
  CpuMeter cpu(options.server_pid);

  // Without a warmup every call counts, the very first ones included (--requests is exact).
  if (options.warmup.count() == 0) workload->recorder().set_phase(Phase::kMeasuring);
  const auto started = Clock::now();
  scheduler->Start();
  std::this_thread::sleep_until(started + options.warmup);

  workload->recorder().set_phase(Phase::kMeasuring);
  const auto window_start = Clock::now();
  cpu.Start();
  if (options.requests) {
    scheduler->WaitUntilIdle(window_start + options.duration);  // the calls ran out, or the time
  } else {
    std::this_thread::sleep_until(window_start + options.duration);
  }
  workload->recorder().set_phase(Phase::kStopped);
  report.seconds = std::chrono::duration<double>(Clock::now() - window_start).count();
  cpu.Stop(report);

  report.drained = scheduler->WaitUntilIdle(Clock::now() + kGrace);
  report.stats = workload->recorder().Collect();
  if (!report.drained) {
    (void)scheduler.release();
    (void)workload.release();
  }
  return report;
}

RunReport HoldIdleStreams(const BenchOptions& options, std::ostream& progress) {
  RunReport report;
  report.options = options;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  auto stubs = Connect(options, channels);
  report.distinct_peers = CountDistinctPeers(channels);

  const auto hold_until = Clock::now() + options.duration;
  // On the heap, like RunLoad's, for streams that will not end.
  auto workload = std::make_unique<Workload>(options, std::move(stubs));
  auto streams = std::make_unique<IdleStreams>(*workload);
  CpuMeter cpu(options.server_pid);

  progress << "greeter-bench: connected " << options.connections << " connection(s)" << std::endl;
  WaitForInputLine(hold_until);

  workload->recorder().set_phase(Phase::kMeasuring);
  const auto open_start = Clock::now();
  cpu.Start();
  const bool opened = streams->Open(hold_until);
  report.seconds = std::chrono::duration<double>(Clock::now() - open_start).count();
  cpu.Stop(report);
  if (opened) {
    progress << "greeter-bench: holding " << options.concurrency << " idle bidi streams"
             << std::endl;
  } else {
    progress << "greeter-bench: could not open all " << options.concurrency
             << " streams before --duration" << std::endl;
  }
  WaitForInputLine(hold_until);

  report.drained = streams->Release(Clock::now() + kGrace);
  workload->recorder().set_phase(Phase::kStopped);
  report.stats = workload->recorder().Collect();
  if (!report.drained) {
    (void)streams.release();
    (void)workload.release();
  }
  return report;
}

}  // namespace greeter::bench

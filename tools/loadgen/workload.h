#pragma once

#include <grpcpp/client_context.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "greet.grpc.pb.h"
#include "tools/loadgen/bench_options.h"
#include "tools/loadgen/stats_recorder.h"

namespace greeter::bench {

using Clock = std::chrono::steady_clock;

// What every call of a run shares: the channels, the request it sends, where it records, and
// whether it may go on. Calls only read it, except for the count of calls started.
class Workload {
 public:
  Workload(const BenchOptions& options, std::vector<std::unique_ptr<greet::Greeter::Stub>> stubs);

  const BenchOptions& options() const { return options_; }
  // Lanes are spread round-robin over the connections.
  greet::Greeter::StubInterface::async_interface* stub(int lane) const;
  // The one request every call sends, shared read-only: serialising a const message is
  // thread-safe, and one copy keeps the generator's own work per call down.
  const greet::HelloRequest& request() const { return request_; }
  const std::string& expected_greeting() const { return expected_greeting_; }
  // Sets --deadline on a call's context, when there is one.
  void ApplyDeadline(grpc::ClientContext& context) const;

  StatsRecorder& recorder() { return recorder_; }
  bool stopping() const { return recorder_.phase() == Phase::kStopped; }

  // Whether one more call may start now; counts it against --requests when measuring.
  bool MayStartCall();

 private:
  const BenchOptions& options_;
  std::vector<std::unique_ptr<greet::Greeter::Stub>> stubs_;
  greet::HelloRequest request_;
  std::string expected_greeting_;
  StatsRecorder recorder_;
  std::atomic<uint64_t> calls_started_measuring_{0};
};

// Builds the request a mode sends: a name of --payload bytes, and for server streams an explicit
// count and interval_ms = 0 (absent fields would mean 3 replies 100 ms apart).
greet::HelloRequest MakeRequest(const BenchOptions& options);

}  // namespace greeter::bench

#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tools/loadgen/workload.h"

namespace greeter::bench {

class CallScheduler;

// Starts one call of the mode under test. `lane` picks the connection; `intended_start` is when
// the schedule wanted the call to begin, which its latency is measured from (so that an open
// loop that falls behind shows the wait instead of hiding it: no coordinated omission).
using CallStarter = void (*)(Workload& workload, CallScheduler& scheduler, int lane,
                             Clock::time_point intended_start);

// Decides when calls start. Every call tells it once, from its last reaction, that it has ended.
class CallScheduler {
 public:
  virtual ~CallScheduler() = default;
  virtual void Start() = 0;
  // Runs on a gRPC thread, after the call has released everything it held.
  virtual void OnCallEnded(int lane) = 0;
  // Instead of OnCallEnded, from a call whose lane starts no more calls (a fan-out member that
  // never reads: once cut off, it stays gone).
  virtual void OnLaneFinished(int lane) = 0;
  // After the workload stops (or runs out of --requests): true once no call is in flight.
  virtual bool WaitUntilIdle(Clock::time_point deadline) = 0;
};

// Closed loop: --concurrency lanes, each starting its next call as soon as its last one ends.
class ClosedLoopScheduler final : public CallScheduler {
 public:
  ClosedLoopScheduler(Workload& workload, CallStarter start_call);
  void Start() override;
  void OnCallEnded(int lane) override;
  void OnLaneFinished(int lane) override;
  bool WaitUntilIdle(Clock::time_point deadline) override;

 private:
  Workload& workload_;
  CallStarter start_call_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int lanes_running_ = 0;
};

// Open loop: calls start at --rate per second whatever the server does, at most --concurrency in
// flight; a call that has to wait for a free slot still counts its latency from its scheduled
// start.
class OpenLoopScheduler final : public CallScheduler {
 public:
  OpenLoopScheduler(Workload& workload, CallStarter start_call);
  ~OpenLoopScheduler() override;
  void Start() override;
  void OnCallEnded(int lane) override;
  void OnLaneFinished(int lane) override { OnCallEnded(lane); }
  bool WaitUntilIdle(Clock::time_point deadline) override;

 private:
  void Pace();

  Workload& workload_;
  CallStarter start_call_;
  std::thread pacer_;
  std::mutex mutex_;
  std::condition_variable changed_;  // a call ended, or the workload stopped
  int in_flight_ = 0;
  bool pacer_done_ = false;
};

}  // namespace greeter::bench

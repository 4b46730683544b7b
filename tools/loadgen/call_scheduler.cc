#include "tools/loadgen/call_scheduler.h"

#include <cmath>

namespace greeter::bench {

ClosedLoopScheduler::ClosedLoopScheduler(Workload& workload, CallStarter start_call)
    : workload_(workload), start_call_(start_call) {}

void ClosedLoopScheduler::Start() {
  const int lanes = workload_.options().concurrency;
  {
    std::lock_guard lock(mutex_);
    lanes_running_ = lanes;
  }
  const auto now = Clock::now();
  for (int lane = 0; lane < lanes; ++lane) {
    if (workload_.MayStartCall()) {
      start_call_(workload_, *this, lane, now);
    } else {
      std::lock_guard lock(mutex_);
      if (--lanes_running_ == 0) idle_.notify_all();
    }
  }
}

void ClosedLoopScheduler::OnCallEnded(int lane) {
  if (workload_.MayStartCall()) {
    start_call_(workload_, *this, lane, Clock::now());
    return;
  }
  std::lock_guard lock(mutex_);
  if (--lanes_running_ == 0) idle_.notify_all();
}

void ClosedLoopScheduler::OnLaneFinished(int /*lane*/) {
  std::lock_guard lock(mutex_);
  if (--lanes_running_ == 0) idle_.notify_all();
}

bool ClosedLoopScheduler::WaitUntilIdle(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return lanes_running_ == 0; });
}

OpenLoopScheduler::OpenLoopScheduler(Workload& workload, CallStarter start_call)
    : workload_(workload), start_call_(start_call) {}

OpenLoopScheduler::~OpenLoopScheduler() {
  if (pacer_.joinable()) pacer_.join();
}

void OpenLoopScheduler::Start() {
  pacer_ = std::thread([this] { Pace(); });
}

void OpenLoopScheduler::Pace() {
  const auto& options = workload_.options();
  const auto interval = std::chrono::duration<double>(1.0 / options.rate);
  const auto first = Clock::now();
  // Bounded: the workload stops at the end of the run (and --requests stops it earlier).
  for (uint64_t index = 0;; ++index) {
    const auto scheduled =
        first + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(index));
    std::unique_lock lock(mutex_);
    // Sleep until the call is due, then until a slot is free; stopping ends both waits.
    changed_.wait_until(lock, scheduled, [this] { return workload_.stopping(); });
    changed_.wait(lock, [&] { return workload_.stopping() || in_flight_ < options.concurrency; });
    if (!workload_.MayStartCall()) break;
    ++in_flight_;
    lock.unlock();
    start_call_(workload_, *this,
                static_cast<int>(index % static_cast<uint64_t>(options.connections)), scheduled);
  }
  std::lock_guard lock(mutex_);
  pacer_done_ = true;
  changed_.notify_all();
}

void OpenLoopScheduler::OnCallEnded(int /*lane*/) {
  std::lock_guard lock(mutex_);
  --in_flight_;
  changed_.notify_all();
}

bool OpenLoopScheduler::WaitUntilIdle(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.notify_all();  // the pacer may be asleep until its next call: let it see the stop
  return changed_.wait_until(lock, deadline, [this] { return pacer_done_ && in_flight_ == 0; });
}

}  // namespace greeter::bench

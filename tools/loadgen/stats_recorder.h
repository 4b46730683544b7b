#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "tools/loadgen/run_stats.h"

namespace greeter::bench {

// The phases of a run: calls made during the warmup and after the end are not counted.
enum class Phase { kWarmup, kMeasuring, kStopped };

// Collects RunStats from the gRPC threads without a lock per call: every thread records into a
// shard of its own (found through a thread_local cache), and Collect() merges the shards once
// the calls are over.
class StatsRecorder {
 public:
  StatsRecorder();

  Phase phase() const { return phase_.load(std::memory_order_relaxed); }
  void set_phase(Phase phase) { phase_.store(phase, std::memory_order_relaxed); }

  // The calling thread's stats while measuring; nullptr in the warmup and after the end.
  RunStats* Measuring() { return phase() == Phase::kMeasuring ? Shard() : nullptr; }

  // Merges every shard: call once the calls have ended.
  RunStats Collect();

 private:
  RunStats* Shard();

  const uint64_t id_;  // tells this recorder's shards from those of an earlier one
  std::atomic<Phase> phase_{Phase::kWarmup};
  std::mutex mutex_;
  std::vector<std::unique_ptr<RunStats>> shards_;  // owned here: gRPC threads may exit
};

}  // namespace greeter::bench

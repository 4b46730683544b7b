#include "tools/loadgen/stats_recorder.h"

namespace greeter::bench {
namespace {

std::atomic<uint64_t> next_recorder_id{1};

struct ThreadShard {
  uint64_t recorder_id = 0;
  RunStats* stats = nullptr;
};
thread_local ThreadShard this_thread_shard;

}  // namespace

StatsRecorder::StatsRecorder() : id_(next_recorder_id.fetch_add(1)) {}

RunStats* StatsRecorder::Shard() {
  ThreadShard& cached = this_thread_shard;
  if (cached.recorder_id != id_) {
    std::lock_guard lock(mutex_);
    cached.stats = shards_.emplace_back(std::make_unique<RunStats>()).get();
    cached.recorder_id = id_;
  }
  return cached.stats;
}

RunStats StatsRecorder::Collect() {
  std::lock_guard lock(mutex_);
  RunStats total;
  for (const auto& shard : shards_) total.Merge(*shard);
  return total;
}

}  // namespace greeter::bench

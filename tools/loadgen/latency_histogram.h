#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace greeter::bench {

// A log-linear latency histogram in the manner of HdrHistogram: every power of two is split into
// 128 equal buckets, so any recorded value is known to within 1/128 (0.8 %) while the whole range
// of uint64 nanoseconds fits in 7,424 counters (58 KiB). Recording is an index computation and
// one increment; percentiles walk the counters. Not thread-safe: keep one per thread and Merge().
class LatencyHistogram {
 public:
  using Nanoseconds = std::chrono::nanoseconds;

  void Record(Nanoseconds latency);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  Nanoseconds min() const { return Nanoseconds(count_ ? min_ : 0); }
  Nanoseconds max() const { return Nanoseconds(max_); }
  Nanoseconds mean() const;

  // The smallest value that at least `percentile` % of the recorded values do not exceed, to
  // within the bucket width (reported as the bucket's upper edge, capped at max()).
  // 0 when nothing was recorded.
  Nanoseconds ValueAtPercentile(double percentile) const;

 private:
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  // Values below kSubBuckets are exact (one bucket each); above, 128 buckets per power of two.
  static constexpr size_t kBucketCount = (64 - kSubBucketBits + 1) * kSubBuckets;

  static size_t BucketOf(uint64_t value);
  static uint64_t HighestValueIn(size_t bucket);

  std::array<uint64_t, kBucketCount> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  // Sum in double: a uint64 of nanoseconds would overflow only after 584 years, but the mean
  // needs no more precision than this.
  double sum_ = 0;
};

}  // namespace greeter::bench

#include "tools/loadgen/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace greeter::bench {

size_t LatencyHistogram::BucketOf(uint64_t value) {
  if (value < kSubBuckets) return static_cast<size_t>(value);
  // value has `magnitude` significant bits; keep the top kSubBucketBits + 1 of them.
  const int magnitude = static_cast<int>(std::bit_width(value));
  const int shift = magnitude - kSubBucketBits - 1;
  const uint64_t sub_bucket = (value >> shift) - kSubBuckets;  // 0 .. kSubBuckets - 1
  return static_cast<size_t>((static_cast<uint64_t>(shift) + 1) * kSubBuckets + sub_bucket);
}

uint64_t LatencyHistogram::HighestValueIn(size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const uint64_t shift = bucket / kSubBuckets - 1;
  const uint64_t sub_bucket = bucket % kSubBuckets;
  const uint64_t lowest = (kSubBuckets + sub_bucket) << shift;
  return lowest + ((uint64_t{1} << shift) - 1);
}

void LatencyHistogram::Record(Nanoseconds latency) {
  const uint64_t value = latency.count() > 0 ? static_cast<uint64_t>(latency.count()) : 0;
  ++counts_[BucketOf(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t bucket = 0; bucket < kBucketCount; ++bucket) counts_[bucket] += other.counts_[bucket];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

LatencyHistogram::Nanoseconds LatencyHistogram::mean() const {
  if (count_ == 0) return Nanoseconds(0);
  return Nanoseconds(static_cast<int64_t>(sum_ / static_cast<double>(count_)));
}

LatencyHistogram::Nanoseconds LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return Nanoseconds(0);
  const double wanted = std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(count_);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(wanted)));
  uint64_t seen = 0;
  for (size_t bucket = 0; bucket < kBucketCount; ++bucket) {
    seen += counts_[bucket];
    if (seen >= rank) {
      return Nanoseconds(static_cast<int64_t>(std::min(HighestValueIn(bucket), max_)));
    }
  }
  return max();
}

}  // namespace greeter::bench

#include "tools/loadgen/latency_histogram.h"

#include <gtest/gtest.h>

namespace greeter::bench {
namespace {

using std::chrono::nanoseconds;

TEST(LatencyHistogramTest, EmptyReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.ValueAtPercentile(50), nanoseconds(0));
  EXPECT_EQ(histogram.max(), nanoseconds(0));
  EXPECT_EQ(histogram.mean(), nanoseconds(0));
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int value = 1; value <= 100; ++value) histogram.Record(nanoseconds(value));
  EXPECT_EQ(histogram.ValueAtPercentile(50), nanoseconds(50));
  EXPECT_EQ(histogram.ValueAtPercentile(99), nanoseconds(99));
  EXPECT_EQ(histogram.ValueAtPercentile(100), nanoseconds(100));
  EXPECT_EQ(histogram.min(), nanoseconds(1));
}

TEST(LatencyHistogramTest, LargeValuesAreWithinOneBucket) {
  LatencyHistogram histogram;
  // 1 us to 1 s in steps of 10 us: percentiles are known exactly.
  for (int64_t value = 1'000; value <= 1'000'000'000; value += 10'000) {
    histogram.Record(nanoseconds(value));
  }
  for (const double percentile : {50.0, 90.0, 99.0, 99.9}) {
    const double exact =
        1'000 + (percentile / 100.0 * static_cast<double>(histogram.count()) - 1) * 10'000;
    const auto reported = static_cast<double>(histogram.ValueAtPercentile(percentile).count());
    EXPECT_NEAR(reported, exact, exact / 128 + 10'000) << "p" << percentile;
    EXPECT_GE(reported, exact - 10'000) << "p" << percentile << " never under-reports";
  }
  EXPECT_EQ(histogram.max(), nanoseconds(999'991'000));
  EXPECT_EQ(histogram.ValueAtPercentile(100), histogram.max());
}

TEST(LatencyHistogramTest, HugeAndNegativeValuesFit) {
  LatencyHistogram histogram;
  histogram.Record(nanoseconds(-5));  // a clock step: counted as 0
  histogram.Record(nanoseconds(INT64_MAX));
  EXPECT_EQ(histogram.count(), 2u);
  EXPECT_EQ(histogram.ValueAtPercentile(50), nanoseconds(0));
  EXPECT_EQ(histogram.ValueAtPercentile(100), nanoseconds(INT64_MAX));
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram all, first, second;
  for (int64_t value = 1; value < 200'000; value += 7) {
    all.Record(nanoseconds(value));
    (value % 2 ? first : second).Record(nanoseconds(value));
  }
  first.Merge(second);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_EQ(first.min(), all.min());
  EXPECT_EQ(first.max(), all.max());
  EXPECT_EQ(first.mean(), all.mean());
  for (const double percentile : {1.0, 50.0, 99.0, 99.9}) {
    EXPECT_EQ(first.ValueAtPercentile(percentile), all.ValueAtPercentile(percentile));
  }
}

}  // namespace
}  // namespace greeter::bench

#include "common/duration.h"

#include <gtest/gtest.h>

namespace greeter {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsTheUnitsPeopleType) {
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("2s"), milliseconds(2000));
  EXPECT_EQ(ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(ParseDuration("3"), milliseconds(3000));
  EXPECT_EQ(ParseDuration("1m"), milliseconds(60'000));
  EXPECT_EQ(ParseDuration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
}

TEST(ParseDuration, RefusesAnythingElse) {
  for (const char* text : {"", "s", "-1s", "2 s", "2sec", "fast", "1e400s", "nan", "2ss"}) {
    EXPECT_EQ(ParseDuration(text), std::nullopt) << text;
  }
}

TEST(ParseDurationMs32, FitsAMillisecondsFieldOrRefuses) {
  EXPECT_EQ(ParseDurationMs32("250ms"), 250u);
  EXPECT_EQ(ParseDurationMs32("1.5"), 1500u);
  EXPECT_EQ(ParseDurationMs32("4294967295ms"), 4294967295u);
  EXPECT_EQ(ParseDurationMs32("4294967296ms"), std::nullopt);
  EXPECT_EQ(ParseDurationMs32("soon"), std::nullopt);
}

TEST(FormatDuration, PicksTheShortestExactForm) {
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(2000)), "2s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(milliseconds(1234)), "1234ms");
  EXPECT_EQ(FormatDuration(milliseconds(120'000)), "2m");
}

}  // namespace
}  // namespace greeter

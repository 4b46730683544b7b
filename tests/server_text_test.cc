// What the server says: greetings and the call log line.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/call_log.h"
#include "server/greetings.h"

namespace greeter {
namespace {

using ::testing::EndsWith;
using ::testing::MatchesRegex;

TEST(Greetings, MatchTheOriginalGreeterAndReadNaturally) {
  EXPECT_EQ(GreetOne("Alice"), "Hello Alice");
  EXPECT_EQ(GreetInStream("Alice", 2, 3), "Hello Alice (2 of 3)");
  EXPECT_EQ(GreetAll({}), "Hello nobody");
  EXPECT_EQ(GreetAll({"Alice"}), "Hello Alice");
  EXPECT_EQ(GreetAll({"Alice", "Bob"}), "Hello Alice and Bob");
  EXPECT_EQ(GreetAll({"Alice", "Bob", "Carol"}), "Hello Alice, Bob and Carol");
}

TEST(CallLog, OneLineWithMethodPeerCodeDurationAndCounts) {
  CallRecord record{"SayHelloServerStream",
                    "ipv4:127.0.0.1:5000",
                    grpc::StatusCode::OK,
                    "",
                    std::chrono::microseconds(301'250),
                    1,
                    3};
  EXPECT_THAT(FormatCallLogLine(record),
              MatchesRegex("[0-9-]+T[0-9:.]+Z SayHelloServerStream ipv4:127.0.0.1:5000 OK "
                           "301.2ms in=1 out=3\n"));
}

TEST(CallLog, StatusMessageIsQuotedAndStaysOnOneLine) {
  CallRecord record{"SayHello",
                    "ipv4:127.0.0.1:5000",
                    grpc::StatusCode::INVALID_ARGUMENT,
                    "bad \"name\"\nsecond line",
                    std::chrono::microseconds(10),
                    1,
                    0};
  EXPECT_THAT(FormatCallLogLine(record),
              EndsWith(" INVALID_ARGUMENT \"bad \\\"name\\\"\\nsecond line\" 0.0ms in=1 out=0\n"));
}

TEST(CallLog, JsonIsOneObjectPerLineWithTheSameFields) {
  CallRecord record{"SayHello",
                    "ipv4:127.0.0.1:5000",
                    grpc::StatusCode::INVALID_ARGUMENT,
                    "bad \"name\"\nsecond line",
                    std::chrono::microseconds(1500),
                    1,
                    0};
  const std::string line = FormatCallLogJson(record);
  ASSERT_THAT(line, EndsWith("}\n"));
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  const auto object = nlohmann::json::parse(line);
  EXPECT_THAT(object["time"].get<std::string>(), MatchesRegex("[0-9-]+T[0-9:.]+Z"));
  EXPECT_EQ(object["method"], "SayHello");
  EXPECT_EQ(object["peer"], "ipv4:127.0.0.1:5000");
  EXPECT_EQ(object["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(object["message"], "bad \"name\"\nsecond line");
  EXPECT_EQ(object["duration_ms"], 1.5);
  EXPECT_EQ(object["in"], 1);
  EXPECT_EQ(object["out"], 0);
}

TEST(CallLog, JsonLeavesOutAnEmptyMessage) {
  CallRecord record{"SayHello", "ipv4:127.0.0.1:5000",         grpc::StatusCode::OK,
                    "",         std::chrono::microseconds(10), 1,
                    1};
  EXPECT_FALSE(nlohmann::json::parse(FormatCallLogJson(record)).contains("message"));
}

}  // namespace
}  // namespace greeter

// greeter-bench, the load generator, against a real server: every call counted and checked,
// each connection a connection of its own, with either client stack.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

class GreeterBench : public ::testing::TestWithParam<const char*> {};

TEST_P(GreeterBench, CountsEveryCallOnSeparateConnections) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_BENCH_BIN, "--client-stack", GetParam(), "--target", server.target(),
                  "--mode", "unary", "--connections", "3", "--concurrency", "6", "--requests",
                  "300", "--warmup", "0s", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report["calls_ok"], 300);
  EXPECT_EQ(report["invalid_replies"], 0);
  EXPECT_TRUE(report["errors"].empty()) << report["errors"].dump();
  EXPECT_EQ(report["distinct_peers"], 3);  // the server saw three client addresses
  EXPECT_EQ(report["latency_ns"]["count"], 300);
}

INSTANTIATE_TEST_SUITE_P(ClientStacks, GreeterBench, ::testing::Values("lean", "full"));

TEST(GreeterBenchWithoutServer, SaysItCannotConnectAndExitsOne) {
  int port = 0;
  {
    TestServer gone;  // a port that was just free, and is again
    port = gone.port();
  }
  const std::string target = "127.0.0.1:" + std::to_string(port);
  const auto result = RunProgram({GREETER_BENCH_BIN, "--target", target, "--requests", "1"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "greeter-bench: cannot connect to " + target + ": Connection refused\n");
}

}  // namespace
}  // namespace greeter::testing

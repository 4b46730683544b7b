// greeter-bench, the load generator, against a real server: every call counted and checked,
// each connection a connection of its own, with either client stack.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

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
  EXPECT_EQ(report.at("calls_ok"), 300);
  EXPECT_EQ(report.at("messages_per_call"), 1);  // a unary call, whatever --messages says
  EXPECT_EQ(report.at("invalid_replies"), 0);
  EXPECT_TRUE(report.at("errors").empty()) << report.at("errors").dump();
  EXPECT_EQ(report.at("distinct_peers"), 3);  // the server saw three client addresses
  EXPECT_EQ(report.at("latency_ns").at("count"), 300);
}

// Every mode, with totals that are known exactly: 20 calls of 10 messages each way.
struct ModeCase {
  std::vector<std::string> flags;
  uint64_t sent, received;  // received 0: not exact (fanout: depends on who is in the room)
};

class GreeterBenchModes : public ::testing::TestWithParam<ModeCase> {};

TEST_P(GreeterBenchModes, CountsEveryMessageOfEveryCall) {
  TestServer server;
  std::vector<std::string> argv{GREETER_BENCH_BIN,
                                "--target",
                                server.target(),
                                "--connections",
                                "2",
                                "--concurrency",
                                "4",
                                "--requests",
                                "20",
                                "--warmup",
                                "0s",
                                "--json"};
  argv.insert(argv.end(), GetParam().flags.begin(), GetParam().flags.end());
  const auto result = RunProgram(argv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report.at("calls_ok"), 20);
  EXPECT_EQ(report.at("messages_sent"), GetParam().sent);
  if (GetParam().received > 0) {
    EXPECT_EQ(report.at("messages_received"), GetParam().received);
  } else {  // a member gets at least its own texts back
    EXPECT_GE(report.at("messages_received").get<uint64_t>(), GetParam().sent);
  }
  EXPECT_EQ(report.at("invalid_replies"), 0);
  EXPECT_TRUE(report.at("errors").empty()) << report.at("errors").dump();
}

INSTANTIATE_TEST_SUITE_P(
    Modes, GreeterBenchModes,
    ::testing::Values(ModeCase{{"--mode", "server-stream", "--messages", "10"}, 20, 200},
                      ModeCase{{"--mode", "client-stream", "--messages", "10"}, 200, 20},
                      ModeCase{{"--mode", "bidi", "--messages", "10", "--window", "4"}, 200, 200},
                      ModeCase{{"--mode", "unary", "--rate", "400"}, 20, 20},
                      ModeCase{{"--mode", "fanout", "--messages", "10"}, 200, 0}));

// A listener that completes TCP handshakes (the kernel does) and never says a word.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd_); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_P(GreeterBench, GivesUpOnAServerThatNeverAnswers) {
  SilentListener silent;
  const auto result =
      RunProgram({GREETER_BENCH_BIN, "--client-stack", GetParam(), "--target", silent.target(),
                  "--connect-timeout", "300ms", "--requests", "1"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("greeter-bench: cannot connect to " + silent.target()),
            std::string::npos)
      << result.err;
}

INSTANTIATE_TEST_SUITE_P(ClientStacks, GreeterBench, ::testing::Values("lean", "full"));

TEST(GreeterBenchWithoutServer, SaysItCannotConnectAndExitsOne) {
  const std::string target = "127.0.0.1:" + std::to_string(UnusedPort());
  const auto result = RunProgram({GREETER_BENCH_BIN, "--target", target, "--requests", "1"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "greeter-bench: cannot connect to " + target + ": Connection refused\n");
}

TEST(GreeterBenchWithoutServer, AFlagItDoesNotKnowIsAUsageError) {
  const auto result = RunProgram({GREETER_BENCH_BIN, "--client-stack", "fat"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--client-stack"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace greeter::testing

// greeter-client health: grpc_health_probe's answers and exit codes.

#include <gtest/gtest.h>

#include "tests/support/child_process.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

TEST(ClientHealth, AServingServiceExitsZero) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "health", "greet.Greeter"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "greet.Greeter: SERVING\n");
  EXPECT_EQ(RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "health"}).out,
            "the server: SERVING\n");
}

TEST(ClientHealth, AnUnknownServiceExitsFour) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "health", "greet.Nothing"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.out, "greet.Nothing: unknown service\n");
}

TEST(ClientHealth, NoServerExitsTwo) {
  // Port 1 (tcpmux) has no listener on a test machine: every connection attempt is refused.
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", "127.0.0.1:1", "--deadline", "300ms", "health"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("cannot connect to 127.0.0.1:1 within 300ms"), std::string::npos)
      << result.err;
}

TEST(ClientHealth, BadFlagsExitOne) {
  EXPECT_EQ(RunProgram({GREETER_CLIENT_BIN, "--deadline", "soon", "health"}).exit_code, 1);
  EXPECT_EQ(RunProgram({GREETER_CLIENT_BIN, "health", "--no-such-flag"}).exit_code, 1);
}

}  // namespace
}  // namespace greeter::testing

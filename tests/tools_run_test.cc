// tools/run's last step, tools/with-server: a fresh server, its address told, the client on it.

#include <gtest/gtest.h>

#include "tests/support/child_process.h"

namespace greeter::testing {
namespace {

using namespace std::chrono_literals;

TEST(ToolsRun, SaysWhereTheServerItStartedListensSoAnotherTerminalCanUseIt) {
  ChildProcess run({GREETER_WITH_SERVER, GREETER_BUILD_DIR});  // the REPL, reading this pipe
  const auto told = run.ReadStdoutLine(20s);
  ASSERT_TRUE(told) << run.stderr_text();
  EXPECT_TRUE(told->starts_with("greeter-server is on 127.0.0.1:")) << *told;
  const std::string hint = "from another terminal: greeter-client --target ";
  const size_t at = told->find(hint);
  ASSERT_NE(at, std::string::npos) << *told;
  const std::string target =
      told->substr(at + hint.size(), told->find(' ', at + hint.size()) - (at + hint.size()));

  const auto other = RunProgram({GREETER_CLIENT_BIN, "--target", target, "hello", "Bob"});
  EXPECT_EQ(other.out, "Hello Bob\n") << other.err;
  run.WriteStdin("hello Alice\n");
  EXPECT_EQ(run.ReadStdoutLine(5s), "Hello Alice");
  run.CloseStdin();
  EXPECT_EQ(run.Wait(10s), 0) << run.stderr_text();
}

}  // namespace
}  // namespace greeter::testing

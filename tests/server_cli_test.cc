// greeter-server, the binary: ready line, signals, drain, flags.

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include "greet.grpc.pb.h"
#include "tests/support/child_process.h"

namespace greeter::testing {
namespace {

using namespace std::chrono_literals;

// Starts greeter-server on a free loopback port and returns its target from the ready line.
std::string StartServer(ChildProcess& server) {
  const auto ready = server.ReadStdoutLine(10s);
  EXPECT_TRUE(ready) << "no ready line; stderr: " << server.stderr_text();
  const std::string prefix = "greeter-server listening on ";
  if (!ready || ready->rfind(prefix, 0) != 0) return "";
  return ready->substr(prefix.size());
}

std::unique_ptr<greet::Greeter::Stub> StubFor(const std::string& target) {
  return greet::Greeter::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
}

grpc::Status SayHelloTo(const std::string& target) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  greet::HelloRequest request;
  request.set_name("Alice");
  greet::HelloReply reply;
  return StubFor(target)->SayHello(&context, request, &reply);
}

TEST(ServerCli, ServesThenExitsZeroOnSigterm) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0"});
  const auto target = StartServer(server);
  ASSERT_TRUE(SayHelloTo(target).ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
  EXPECT_NE(server.stderr_text().find("SayHello ipv4:127.0.0.1:"), std::string::npos)
      << "one log line per call; got: " << server.stderr_text();
  EXPECT_NE(server.stderr_text().find("stopped"), std::string::npos);
}

// A gRPC channel argument passed as is, for tuning: here one a client can see at once.
TEST(ServerCli, GrpcArgPassesAChannelArgumentToGrpc) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--quiet", "--grpc-arg",
                       "grpc.max_metadata_size=1000"});
  const auto target = StartServer(server);
  EXPECT_TRUE(SayHelloTo(target).ok());
  grpc::ClientContext context;
  context.AddMetadata("x-big", std::string(2000, 'a'));
  greet::HelloRequest request;
  greet::HelloReply reply;
  const auto status = StubFor(target)->SayHello(&context, request, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
}

TEST(ServerCli, GrpcArgWithoutAGrpcNameIsABadCommandLine) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--grpc-arg", "lookahead=1"});
  EXPECT_EQ(server.Wait(10s), 2);
  EXPECT_NE(server.stderr_text().find("use NAME=VALUE with a gRPC channel argument's name"),
            std::string::npos)
      << server.stderr_text();
}

TEST(ServerCli, AFlagValueItCannotTakeIsRefusedInItsOwnWords) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--max-open-calls", "abc"});
  EXPECT_EQ(server.Wait(10s), 2);
  EXPECT_EQ(server.stderr_text().rfind("greeter-server: --max-open-calls: ", 0), 0u)
      << server.stderr_text();
}

TEST(ServerCli, LogFormatJsonLogsOneObjectPerCall) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--log-format", "json"});
  const auto target = StartServer(server);
  ASSERT_TRUE(SayHelloTo(target).ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
  EXPECT_NE(server.stderr_text().find(R"({"time":")"), std::string::npos) << server.stderr_text();
  EXPECT_NE(server.stderr_text().find(R"("method":"SayHello","peer":"ipv4:127.0.0.1:)"),
            std::string::npos)
      << server.stderr_text();
}

TEST(ServerCli, SigintDrainsAStreamInFlightThenExitsZero) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--drain", "10s"});
  const auto target = StartServer(server);
  auto stub = StubFor(target);
  grpc::ClientContext context;
  greet::HelloRequest request;
  request.set_name("Alice");
  request.set_count(3);
  request.set_interval_ms(200);
  auto reader = stub->SayHelloServerStream(&context, request);
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));
  server.Signal(SIGINT);
  int received = 1;
  while (reader->Read(&reply)) ++received;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, 3);
  EXPECT_EQ(server.Wait(10s), 0);
}

TEST(ServerCli, ASecondSignalExitsAtOnce) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--drain", "60s"});
  const auto target = StartServer(server);
  auto stub = StubFor(target);
  grpc::ClientContext context;
  greet::HelloRequest request;
  request.set_name("Alice");
  request.set_count(100);
  request.set_interval_ms(10'000);
  auto reader = stub->SayHelloServerStream(&context, request);
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));
  server.Signal(SIGTERM);
  // Wait until the drain has begun (it says so), then signal again.
  while (server.stderr_text().find("draining") == std::string::npos) {
    ASSERT_FALSE(server.ReadStdoutLine(100ms)) << "unexpected output";
    ASSERT_LT(server.stderr_text().size(), 100'000u);
  }
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(5s), 128 + SIGTERM);
}

TEST(ServerCli, AnAddressInUseIsAClearErrorAndExitOne) {
  ChildProcess first({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0"});
  const auto target = StartServer(first);
  const auto second = RunProgram({GREETER_SERVER_BIN, "--listen", target});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen on " + target), std::string::npos) << second.err;
}

TEST(ServerCli, HelpExplainsEveryFlag) {
  const auto result = RunProgram({GREETER_SERVER_BIN, "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* flag : {"--listen",
                           "--threads",
                           "--drain",
                           "--max-name-bytes",
                           "--max-count",
                           "--max-interval-ms",
                           "--max-client-stream-names",
                           "--max-receive-bytes",
                           "--quiet",
                           "--keepalive-time",
                           "--keepalive-timeout",
                           "--permit-keepalive-without-calls",
                           "--min-ping-interval",
                           "--max-connection-idle",
                           "--max-connection-age",
                           "--max-connection-age-grace",
                           "--max-concurrent-streams",
                           "--log-format",
                           "--tls-cert",
                           "--tls-key",
                           "--tls-client-ca"}) {
    EXPECT_NE(result.out.find(flag), std::string::npos) << flag;
  }
}

TEST(ServerCli, BadFlagValuesAreUsageErrors) {
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{{"--drain", "forever"},
                                             {"--threads", "0"},
                                             {"--max-concurrent-streams", "0"},
                                             {"--log-format", "xml"},
                                             {"--no-such-flag"}}) {
    std::vector<std::string> argv{GREETER_SERVER_BIN};
    argv.insert(argv.end(), flags.begin(), flags.end());
    EXPECT_EQ(RunProgram(argv).exit_code, 2) << flags.front();
  }
  const auto keepalive = RunProgram({GREETER_SERVER_BIN, "--keepalive-time", "often"});
  EXPECT_EQ(keepalive.exit_code, 2);
  EXPECT_NE(keepalive.err.find("--keepalive-time: not a duration: often"), std::string::npos)
      << keepalive.err;
}

TEST(ServerCli, APortOver65535IsRefusedNotWrapped) {
  const auto refused = RunProgram({GREETER_SERVER_BIN, "--listen", "127.0.0.1:99999"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("the port must be a number from 0 to 65535, got '99999'"),
            std::string::npos)
      << refused.err;
}

TEST(ServerCli, AUnixSocketIsNamedByItsPathWithNoNetworkWarning) {
  const std::string path = "/tmp/greeter-cli-test-" + std::to_string(getpid()) + ".sock";
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "unix:" + path});
  const auto ready = server.ReadStdoutLine(10s);
  ASSERT_TRUE(ready) << server.stderr_text();
  EXPECT_EQ(*ready, "greeter-server listening on unix:" + path);
  EXPECT_TRUE(SayHelloTo("unix:" + path).ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
  EXPECT_EQ(server.stderr_text().find("anyone on the network"), std::string::npos)
      << server.stderr_text();
}

TEST(ServerCli, TheBudgetFlagsAreExplainedAndTakeSizes) {
  const auto help = RunProgram({GREETER_SERVER_BIN, "--help"});
  for (const char* flag :
       {"--max-reply-memory", "--max-call-reply-memory", "--memory-quota", "--log-queue"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--max-reply-memory", "64MiB",
                       "--memory-quota", "64MiB", "--log-queue", "64KiB"});
  EXPECT_TRUE(SayHelloTo(StartServer(server)).ok());
}

}  // namespace
}  // namespace greeter::testing

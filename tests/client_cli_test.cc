// greeter-client, the binary: every subcommand against a real server, output and exit codes.

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/child_process.h"
#include "tests/support/room_client.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

class ClientCli : public ::testing::Test {
 protected:
  RunResult Client(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {GREETER_CLIENT_BIN, "--target", server_.target()});
    return RunProgram(args, input);
  }
  TestServer server_;
};

TEST_F(ClientCli, AChatInARoomTakesWhoAndLeaveAsTheReplDoes) {
  auto stub = server_.NewStub();
  Member bob(*stub, "Bob", "lobby");
  bob.WaitFor(greet::WELCOME, "Bob");
  // /who answers once the welcome has said who is there; /leave ends the chat, and what
  // follows it is not sent.
  const auto result = Client({"chat", "Ann", "--room", "lobby"}, "/who\nhi\n/leave\nafter\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Hello Ann, welcome to lobby (here: Bob)\n"
            "here in lobby: you (Ann), Bob\n"
            "Ann: hi\n")
      << result.err;
  EXPECT_EQ(bob.WaitFor(greet::MESSAGE, "Ann").text(), "hi");
  bob.WaitFor(greet::LEFT, "Ann");
}

TEST_F(ClientCli, ACommandLineItCannotParseIsRefusedInItsOwnWords) {
  auto result = Client({"frob", "A"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("greeter-client: unknown command frob (the commands: ", 0), 0u)
      << result.err;
  result = Client({"--bogus", "hello", "A"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("greeter-client: not expected here: --bogus", 0), 0u) << result.err;
  result = Client({"status", "--deadline", "1s"});  // a flag of the client, after the command
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("greeter-client: not expected here: --deadline 1s", 0), 0u)
      << result.err;
  result = Client({"--fail-after", "2", "hello", "A"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("greeter-client: --fail-after requires --fail", 0), 0u) << result.err;
}

TEST_F(ClientCli, AHeaderGrpcWouldRefuseExitsTwoNamingTheRule) {
  for (const auto& [header, rule] : std::vector<std::pair<std::string, std::string>>{
           {"Bad Key=1", "a metadata key may hold only lower-case letters"},
           {":path=/x", "pseudo-headers (keys starting with ':') are gRPC's own"},
           {"x=\xc3\xa9", "a metadata value must be printable ASCII (0x20 to 0x7E)"}}) {
    const auto result = Client({"--header", header, "hello", "A"});
    EXPECT_EQ(result.exit_code, 2) << header << ": " << result.err;
    EXPECT_NE(result.err.find("--header " + header + ": " + rule), std::string::npos) << result.err;
  }
}

TEST_F(ClientCli, AnEmptyTargetOrAPortOver65535ExitsTwoNamingTheTarget) {
  const auto empty = RunProgram({GREETER_CLIENT_BIN, "--target", "", "hello", "A"});
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("--target: empty"), std::string::npos) << empty.err;
  const auto wrapped =
      RunProgram({GREETER_CLIENT_BIN, "--target", "127.0.0.1:99999", "hello", "A"});
  EXPECT_EQ(wrapped.exit_code, 2) << wrapped.err;
  EXPECT_NE(wrapped.err.find("--target 127.0.0.1:99999: the port must be a number from 0 to 65535"),
            std::string::npos)
      << wrapped.err;
}

TEST_F(ClientCli, AnLbPolicyOtherThanPickFirstOrRoundRobinExitsTwoNamingBoth) {
  const auto refused = Client({"--lb-policy", "grpclb", "hello", "A"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--lb-policy grpclb: use pick_first or round_robin"),
            std::string::npos)
      << refused.err;
  const auto viewed = Client({"--lb-policy", "round_robin", "--frames", "hello", "A"});
  EXPECT_EQ(viewed.exit_code, 2) << viewed.err;
  EXPECT_NE(viewed.err.find("--lb-policy round_robin: does not apply with --frames"),
            std::string::npos)
      << viewed.err;
  const auto spread = Client({"--lb-policy", "round_robin", "hello", "A"});
  EXPECT_EQ(spread.exit_code, 0) << spread.err;
  EXPECT_EQ(spread.out, "Hello A\n");
}

TEST_F(ClientCli, AnArgumentThatIsNotUtf8ExitsTwoNamingTheFieldBeforeAnyCall) {
  const std::string bad =
      "ab\xff"
      "cd";
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"hello", bad}, "name: not valid UTF-8 at byte 3 (0xff)"},
      {{"stream", bad}, "name: not valid UTF-8 at byte 3 (0xff)"},
      {{"tour", bad}, "name: not valid UTF-8 at byte 3 (0xff)"},
      {{"chat", bad}, "name: not valid UTF-8 at byte 3 (0xff)"},
      {{"chat", "Ada", "--room", bad}, "room: not valid UTF-8 at byte 3 (0xff)"},
      {{"collect", "Ada", bad}, "request 2: name: not valid UTF-8 at byte 3 (0xff)"},
      {{"--fail", "NOT_FOUND:" + bad, "hello", "Ada"},
       "--fail: MESSAGE: not valid UTF-8 at byte 3 (0xff)"},
  };
  for (const auto& [args, message] : cases) {
    const auto result = Client(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.err;
    EXPECT_EQ(result.err, "greeter-client: " + message + "\n") << args[0];
    EXPECT_EQ(result.out, "") << args[0];
  }
  // Nothing was sent: the first call the server sees is this one.
  EXPECT_EQ(Client({"hello", "Ada"}).exit_code, 0);
  EXPECT_EQ(server_.WaitForCall().method, "SayHello");
}

TEST_F(ClientCli, AnInputLineThatIsNotUtf8EndsTheCommandWithExitTwoNamingTheLine) {
  const auto collect = Client({"collect"},
                              "Ada\nab\xff"
                              "cd\nGrace\n");
  EXPECT_EQ(collect.exit_code, 2) << collect.err;
  EXPECT_EQ(collect.err, "greeter-client: input line 2: name: not valid UTF-8 at byte 3 (0xff)\n");
  EXPECT_EQ(collect.out, "");  // the call was cancelled, not half-closed: no reply

  const auto chat = Client({"chat", "Ada", "--room", "lobby"}, "\xff\n");
  EXPECT_EQ(chat.exit_code, 2) << chat.err;
  EXPECT_NE(chat.err.find("greeter-client: input line 1: text: not valid UTF-8 at byte 1 (0xff)\n"),
            std::string::npos)
      << chat.err;
}

TEST_F(ClientCli, StdinLinesEndingInCrLfLoseTheCarriageReturnAndBlankLinesAreSkipped) {
  const auto collect = Client({"collect"}, "Ada\r\n \t\r\nGrace\r\n");
  EXPECT_EQ(collect.exit_code, 0) << collect.err;
  EXPECT_EQ(collect.out, "Hello Ada and Grace (2 names)\n");
  const auto chat = Client({"chat", "Ada"}, "Bob\r\n   \n");
  EXPECT_EQ(chat.exit_code, 0) << chat.err;
  EXPECT_EQ(chat.out, "Hello Ada\nHello Bob\n");
}

TEST_F(ClientCli, AWhiteSpaceOnlyNameExitsTwoLikeAnyBadArgument) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"hello", "   "},
                                                                {"stream", " "},
                                                                {"chat", "\t", "--room", "lobby"},
                                                                {"tour", "  "},
                                                                {"collect", "Ada", " "}}) {
    const auto result = Client(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.err;
    EXPECT_NE(result.err.find("name: only white space (a name needs a letter or sign)\n"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(result.out, "") << args[0];
  }
}

TEST_F(ClientCli, EveryDurationFlagTakesUnitsAndReadsABareNumberAsSeconds) {
  const auto units = Client({"stream", "Bob", "--count", "2", "--interval", "10ms"});
  EXPECT_EQ(units.exit_code, 0) << units.err;
  EXPECT_EQ(units.out, "Hello Bob (1 of 2)\nHello Bob (2 of 2)\n");
  const auto fraction = Client({"stream", "Bob", "--count", "2", "--interval", "0.01"});
  EXPECT_EQ(fraction.exit_code, 0) << fraction.err;

  // 20 is 20 s for each: over the server's 10 s limit, which it names in milliseconds.
  const auto interval = Client({"stream", "Bob", "--interval", "20"});
  EXPECT_EQ(interval.err,
            "greeter-client: INVALID_ARGUMENT: interval_ms: must be at most 10000, got 20000\n");
  const auto delay = Client({"--delay", "20", "hello", "Bob"});
  EXPECT_EQ(delay.err,
            "greeter-client: INVALID_ARGUMENT: first_reply_delay_ms: must be at most 10000, got "
            "20000\n");

  for (const std::string flag : {"--deadline", "--delay", "--interval"}) {
    const auto result = flag == "--interval" ? Client({"stream", "Bob", flag, "5x"})
                                             : Client({flag, "5x", "stream", "Bob"});
    EXPECT_EQ(result.exit_code, 2) << flag;
    EXPECT_EQ(result.err, "greeter-client: " + flag +
                              ": not a duration: 5x (use e.g. 500ms, 2s, 1m; a bare number is "
                              "seconds)\n")
        << flag;
  }
}

TEST_F(ClientCli, AZeroDeadlineIsRefusedAsInTheRepl) {
  const auto result = Client({"--deadline", "0", "hello", "Bob"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.err,
            "greeter-client: --deadline: must be more than 0 (leave it out: no deadline)\n");
}

TEST_F(ClientCli, GrpcsOwnLogLinesComeInTheToolsFormat) {
  // TLS to a plaintext server: gRPC logs the failed handshake itself, besides the call's status.
  const auto run = Client({"--tls", "--deadline", "2s", "hello", "A"});
  EXPECT_EQ(run.exit_code, 64 + 14) << run.err;
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.starts_with("greeter-client: "))
        << "a line not in the tool's format: " << line;
  }
  EXPECT_NE(run.err.find("greeter-client: grpc: Handshake failed"), std::string::npos) << run.err;
}

TEST_F(ClientCli, FailAfterWithoutFailIsRefused) {
  const auto result = Client({"--fail-after", "3", "hello", "A"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--fail"), std::string::npos) << result.err;
}

TEST_F(ClientCli, HelloPrintsTheGreetingAndExitsZero) {
  const auto result = Client({"hello", "Alice"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice\n");
  EXPECT_EQ(result.err, "");
}

TEST_F(ClientCli, CallInfoPrintsTheServersViewUnderEachReplyAsTheReplDoes) {
  const auto result = Client({"--call-info", "hello", "Alice"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice\n  call: the server saw peer " + server_.WaitForCall().peer +
                            ", client half-closed: yes\n");
  // The tour asks for it of its own accord, to compare peers: it shows only when asked for.
  const auto tour = Client({"tour", "Alice"});
  EXPECT_EQ(tour.out.find("  call: "), std::string::npos) << tour.out;
}

TEST_F(ClientCli, StreamPrintsEachReplyOnItsOwnLine) {
  const auto result = Client({"stream", "Bob", "--count", "3", "--interval", "0"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Bob (1 of 3)\nHello Bob (2 of 3)\nHello Bob (3 of 3)\n");
}

TEST_F(ClientCli, CollectGreetsTheNamesGivenAsArguments) {
  const auto result = Client({"collect", "Alice", "Bob", "Carol"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice, Bob and Carol (3 names)\n");
}

TEST_F(ClientCli, CollectWithoutArgumentsReadsOneNamePerLineUntilEof) {
  const auto result = Client({"collect"}, "Alice\n\nBob\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice and Bob (2 names)\n");
}

TEST_F(ClientCli, ChatSendsTheNameThenEveryLineAndEndsAtEof) {
  const auto result = Client({"chat", "Alice"}, "Bob\nCarol\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice\nHello Bob\nHello Carol\n");
}

TEST_F(ClientCli, ChatPrintsRepliesAsTheyArriveWhileInputIsStillOpen) {
  ChildProcess chat({GREETER_CLIENT_BIN, "--target", server_.target(), "chat", "Alice"});
  EXPECT_EQ(chat.ReadStdoutLine(5s), "Hello Alice");
  chat.WriteStdin("Bob\n");
  EXPECT_EQ(chat.ReadStdoutLine(5s), "Hello Bob");
  chat.CloseStdin();
  EXPECT_EQ(chat.Wait(5s), 0);
}

TEST_F(ClientCli, TourRunsAllFourShapesAndShowsTheySharedOneConnection) {
  const auto result = Client({"tour", "Alice"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  for (const char* expected :
       {"1. SayHello", "2. SayHelloServerStream", "3. SayHelloClientStream",
        "4. SayHelloBidiStream", "Hello Alice (3 of 3)", "Hello Alice, Ada and Grace (3 names)",
        "Hello Grace\n", "All four calls shared one connection"}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
  const auto calls = server_.WaitForCalls(4);
  for (const auto& call : calls) EXPECT_EQ(call.peer, calls.front().peer);
  EXPECT_NE(result.out.find(calls.front().peer), std::string::npos);
}

TEST_F(ClientCli, ShowMetadataPrintsEachTourCallsMetadataAfterItsReplies) {
  const auto result = Client({"--header", "x-echo-initial-team=blue", "--header",
                              "x-echo-trailing-id=7", "--show-metadata", "tour", "Alice"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::string metadata =
      "initial x-echo-initial-team: blue\ntrailing x-echo-trailing-id: 7\n";
  for (const std::string& expected :
       {"Hello Alice\n" + metadata + "2. SayHelloServerStream",
        "Hello Alice (3 of 3)\n" + metadata + "3. SayHelloClientStream",
        "Hello Alice, Ada and Grace (3 names)\n" + metadata + "4. SayHelloBidiStream",
        "Hello Grace\n" + metadata + "All four calls shared one connection"}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
}

TEST_F(ClientCli, StatusAfterATourShowsItsFourStreamsOnOneSocket) {
  const auto result = Client({"--status", "tour", "Alice"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  for (const char* expected :
       {"  calls       4 started, 4 succeeded, 0 failed",
        "  streams     4 started, 4 succeeded, 0 failed (one HTTP/2 stream per call)",
        "  messages    8 sent, 8 received",
        "All 4 calls shared this one connection, each on its own HTTP/2 stream."}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
}

TEST_F(ClientCli, StatusAloneConnectsAndShowsTheSocket) {
  const auto result = Client({"status"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("  socket      #"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(" -> " + server_.target()), std::string::npos) << result.out;
}

TEST_F(ClientCli, AFlagGivenToACommandItDoesNotApplyToIsRefusedNamingBoth) {
  const std::string calls = "hello, stream, collect, chat, tour";
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  const Case cases[] = {
      {{"--call-info", "health"},
       1,  // health's exit code for a bad command line, grpc_health_probe's
       "--call-info does not apply to health (only to " + calls + " and repl)"},
      {{"--status", "health"},
       1,
       "--status does not apply to health (only to hello, stream, collect, chat and tour)"},
      {{"--show-metadata", "status"},
       2,
       "--show-metadata does not apply to status (only to " + calls + " and repl)"},
      {{"--fail", "ABORTED", "status"},
       2,
       "--fail does not apply to status (only to " + calls + " and repl)"},
      {{"--header", "x-a=1", "status"},
       2,
       "--header does not apply to status (only to " + calls + ", health and repl)"},
      {{"--json", "repl"},
       2,
       "--json does not apply to repl, the interactive client (only to " + calls +
           ", health and status)"},
      {{"--status"},
       2,
       "--status does not apply to repl, the interactive client (only to hello, stream, "
       "collect, chat and tour)"},
  };
  for (const auto& [args, exit_code, message] : cases) {
    const auto result = Client(args);
    EXPECT_EQ(result.exit_code, exit_code) << args[0] << " " << args.back();
    EXPECT_EQ(result.err, "greeter-client: " + message + "\n");
  }
  // And where they apply, they are taken.
  EXPECT_EQ(Client({"--header", "x-a=1", "--deadline", "2s", "health"}).exit_code, 0);
  EXPECT_EQ(Client({"--show-metadata", "--call-info", "--status", "hello", "A"}).exit_code, 0);
}

TEST_F(ClientCli, JsonPrintsOneObjectPerReplyWithStableKeys) {
  const auto result = Client({"--json", "stream", "Bob", "--count", "2", "--interval", "0"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "{\"method\":\"SayHelloServerStream\",\"message\":\"Hello Bob (1 of 2)\","
            "\"sequence\":1}\n"
            "{\"method\":\"SayHelloServerStream\",\"message\":\"Hello Bob (2 of 2)\","
            "\"sequence\":2}\n");
}

TEST_F(ClientCli, JsonPrintsAFailedCallAsOneErrorObjectOnStdoutToo) {
  const auto refused =
      Client({"--json", "--header", "x-echo-trailing-id=7", "hello", ""});  // an empty name
  EXPECT_EQ(refused.exit_code, 64 + 3);
  EXPECT_EQ(refused.out,
            "{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"code_number\":3,\"message\":\"name: must "
            "be 1 to 256 bytes of UTF-8, got 0\",\"trailing_metadata\":{\"x-echo-trailing-id\":"
            "\"7\"}}}\n");
  EXPECT_EQ(refused.err,
            "greeter-client: INVALID_ARGUMENT: name: must be 1 to 256 bytes of UTF-8, got 0\n");

  // After the replies that came before it: every stdout line is one JSON object.
  const auto ended = Client({"--json", "--fail", "ABORTED:enough", "--fail-after", "1", "stream",
                             "Bob", "--interval", "0"});
  EXPECT_EQ(ended.exit_code, 64 + 10);
  EXPECT_EQ(ended.out,
            "{\"method\":\"SayHelloServerStream\",\"message\":\"Hello Bob (1 of 3)\","
            "\"sequence\":1}\n"
            "{\"error\":{\"code\":\"ABORTED\",\"code_number\":10,\"message\":\"enough\","
            "\"trailing_metadata\":{}}}\n");
}

TEST_F(ClientCli, HealthAndStatusHonourJson) {
  const auto serving = Client({"--json", "health", "greet.Greeter"});
  EXPECT_EQ(serving.exit_code, 0) << serving.err;
  EXPECT_EQ(serving.out, "{\"service\":\"greet.Greeter\",\"status\":\"SERVING\"}\n");
  const auto unknown = Client({"--json", "health", "greet.Nothing"});
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_EQ(unknown.out, "{\"service\":\"greet.Nothing\",\"status\":\"SERVICE_UNKNOWN\"}\n");

  const std::string nowhere = "127.0.0.1:" + std::to_string(UnusedPort());
  const auto unreachable = RunProgram(
      {GREETER_CLIENT_BIN, "--target", nowhere, "--deadline", "300ms", "--json", "health"});
  EXPECT_EQ(unreachable.exit_code, 2);
  EXPECT_EQ(unreachable.out,
            "{\"error\":{\"code\":\"UNAVAILABLE\",\"code_number\":14,\"message\":\"cannot "
            "connect to " +
                nowhere + " within 300ms\",\"trailing_metadata\":{}}}\n");

  const auto status = RunProgram(
      {GREETER_CLIENT_BIN, "--target", nowhere, "--deadline", "300ms", "--json", "status"});
  EXPECT_EQ(status.exit_code, 64 + 14);
  std::istringstream lines(status.out);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line)) << status.out;
  EXPECT_TRUE(line.starts_with("{\"channel\":")) << line;
  ASSERT_TRUE(std::getline(lines, line)) << status.out;
  EXPECT_EQ(line,
            "{\"error\":{\"code\":\"UNAVAILABLE\",\"code_number\":14,\"message\":"
            "\"cannot connect to " +
                nowhere + " within 300ms\",\"trailing_metadata\":{}}}");
}

TEST_F(ClientCli, RefusedRequestExitsWith64PlusTheCodeAndSaysWhyOnStderr) {
  const auto result = Client({"hello", ""});
  EXPECT_EQ(result.exit_code, 64 + 3);  // INVALID_ARGUMENT
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "greeter-client: INVALID_ARGUMENT: name: must be 1 to 256 bytes of UTF-8, got 0\n");
}

TEST_F(ClientCli, DeadlineExceededHasItsOwnExitCode) {
  const auto result = Client({"--deadline", "200ms", "stream", "Bob", "--interval", "5s"});
  EXPECT_EQ(result.exit_code, 64 + 4);  // DEADLINE_EXCEEDED
  EXPECT_EQ(result.out, "Hello Bob (1 of 3)\n");
  EXPECT_NE(result.err.find("DEADLINE_EXCEEDED"), std::string::npos);
}

TEST_F(ClientCli, TooManyNamesIsResourceExhausted) {
  std::string names;
  for (int i = 0; i < 1001; ++i) names += "n" + std::to_string(i) + "\n";
  const auto result = Client({"collect"}, names);
  EXPECT_EQ(result.exit_code, 64 + 8);  // RESOURCE_EXHAUSTED
  EXPECT_NE(result.err.find("at most 1000 names"), std::string::npos) << result.err;
}

TEST(ClientCliWithoutServer, NoServerIsUnavailable) {
  const auto result = RunProgram(
      {GREETER_CLIENT_BIN, "--target", "127.0.0.1:1", "--deadline", "5s", "hello", "Alice"});
  EXPECT_EQ(result.exit_code, 64 + 14);  // UNAVAILABLE
  EXPECT_NE(result.err.find("UNAVAILABLE"), std::string::npos) << result.err;
}

TEST(ClientCliWithoutServer, BadDeadlineIsAUsageError) {
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--deadline", "soon", "hello", "Alice"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--deadline"), std::string::npos);
}

TEST(ClientCliWithoutServer, WhatTheParserRefusesIsAUsageErrorToo) {
  // Not CLI11's own codes (105, 106, 109...), which scripts would read as gRPC statuses; and the
  // message names what was wrong.
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{GREETER_CLIENT_BIN, "--no-such-flag", "hello", "Alice"}, "--no-such-flag"},
      {{GREETER_CLIENT_BIN, "hello"}, "NAME is required"},
      {{GREETER_CLIENT_BIN, "stream", "Alice", "--count", "many"}, "--count"}};
  for (const auto& [argv, named] : cases) {
    const auto result = RunProgram(argv);
    EXPECT_EQ(result.exit_code, 2) << argv[1] << ": " << result.err;
    EXPECT_NE(result.err.find(named), std::string::npos) << result.err;
  }
}

TEST(ClientCliWithoutServer, HelpListsEverySubcommand) {
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* command :
       {"hello", "stream", "collect", "chat", "tour", "--target", "--deadline", "--json"}) {
    EXPECT_NE(result.out.find(command), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace greeter::testing

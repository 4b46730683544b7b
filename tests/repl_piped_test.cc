// The interactive client with a script on stdin: no prompts, no timings, the same output on
// every run, checked line by line.

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>

#include "tests/support/child_process.h"
#include "tests/support/room_client.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

// What the README shows for the one-shot commands, typed at the prompt.
TEST(ReplPiped, TheOneShotFormsRunAtThePrompt) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "repl"},
                                 "stream Alice --count 2 --interval 0\n"
                                 "collect Alice Bob Carol\n"
                                 "hello Bob\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Hello Alice (1 of 2)\n"
            "Hello Alice (2 of 2)\n"
            "Hello Alice, Bob and Carol (3 names)\n"
            "Hello Bob\n");
}

TEST(ReplPiped, AScriptedSessionPrintsExactlyTheRepliesAndErrors) {
  TestServer server;
  const std::string script =
      "hello Alice\n"
      "stream Bob 2 0\n"
      "collect\n"
      "Ada\n"
      "Grace\n"
      "\n"
      "chat Me\n"
      "How are you\n"
      "/leave\n"
      "\n"
      "hello\n"
      "stream Bob 2000\n"
      "set deadline 1s\n"
      "set header x-team=blue\n"
      "unset header x-team\n"
      "unset deadline\n"
      "help hello\n"
      "bogus\n"
      "hello \"\"\n"
      "quit\n"
      "hello never sent\n";
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "repl"}, script);
  EXPECT_EQ(result.exit_code, 2) << result.err;  // the first failure: "hello" without a name
  EXPECT_EQ(result.out,
            "Hello Alice\n"
            "Hello Bob (1 of 2)\n"
            "Hello Bob (2 of 2)\n"
            "Hello Ada and Grace (2 names)\n"
            "Hello Me\n"
            "Hello How are you\n"
            "usage: hello NAME\n"
            "INVALID_ARGUMENT: count: must be at most 1000, got 2000\n"
            "deadline 1s on every call\n"
            "header x-team: blue on every call\n"
            "removed 1 header(s)\n"
            "no deadline\n"
            "usage: hello NAME\n"
            "  unary call: one request, one reply\n"
            "unknown command: bogus (type help for the list)\n"
            "INVALID_ARGUMENT: name: must be 1 to 256 bytes of UTF-8, got 0\n");
  EXPECT_EQ(server.WaitForCalls(6).size(), 6u);  // quit stops the script: "never sent" is not
}

TEST(ReplPiped, QuitEndsTheSessionWhileItsInputStaysOpen) {
  TestServer server;
  ChildProcess client({GREETER_CLIENT_BIN, "--target", server.target()});
  client.WriteStdin("hello A\nquit\n");  // and stdin stays open: its reader is woken to end
  EXPECT_EQ(client.ReadStdoutLine(5s), "Hello A");
  EXPECT_EQ(client.Wait(5s), 0) << client.stderr_text();
  EXPECT_EQ(client.stderr_text(), "");
}

TEST(ReplPiped, SigtermDuringACallEndsTheSessionOnceTheCallHasEnded) {
  TestServer server;
  ChildProcess client({GREETER_CLIENT_BIN, "--target", server.target()});
  client.WriteStdin("stream A 100 100ms\n");
  EXPECT_EQ(client.ReadStdoutLine(5s), "Hello A (1 of 100)");
  client.Signal(SIGTERM);
  // The call is cancelled and the session waits for its end (nothing may come after the
  // session has gone), then ends as before: no summary, no failure counted.
  EXPECT_EQ(client.Wait(5s), 0) << client.stderr_text();
  EXPECT_EQ(client.stderr_text(), "");
  EXPECT_EQ(server.WaitForCall().code, grpc::StatusCode::CANCELLED);
}

TEST(ReplPiped, AScriptWhoseCallsFailedExitsWith64PlusTheFirstFailuresCode) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "hello A\n"
                                 "stream B 2000\n"
                                 "set deadline 200ms\n"
                                 "stream Slow 3 5s\n"
                                 "hello C\n");
  EXPECT_EQ(result.exit_code, 64 + 3) << result.err;  // INVALID_ARGUMENT, not the later 68
  EXPECT_EQ(result.out,
            "Hello A\n"
            "INVALID_ARGUMENT: count: must be at most 1000, got 2000\n"
            "deadline 200ms on every call\n"
            "Hello Slow (1 of 3)\n"
            "DEADLINE_EXCEEDED: Deadline Exceeded\n"
            "Hello C\n");
}

TEST(ReplPiped, AScriptWithALineItCannotRunExitsTwoAndRunsTheRest) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "bogus\nhello A\nstream B 2000\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;  // the first failure: a line, not a call
  EXPECT_EQ(result.out,
            "unknown command: bogus (type help for the list)\n"
            "Hello A\n"
            "INVALID_ARGUMENT: count: must be at most 1000, got 2000\n");
}

TEST(ReplPiped, ALineThatIsNotUtf8IsRefusedNamingTheFieldAndTheSessionGoesOn) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "hello ab\xff"
                                 "cd\n"
                                 "chat Ada lob\xff"
                                 "by\n"
                                 "collect\n"
                                 "Ada\n"
                                 "\xff\n"
                                 "Grace\n"
                                 "\n"
                                 "hello Bob\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out,
            "name: not valid UTF-8 at byte 3 (0xff)\n"
            "room: not valid UTF-8 at byte 4 (0xff)\n"
            "name: not valid UTF-8 at byte 1 (0xff)\n"
            "Hello Ada and Grace (2 names)\n"
            "Hello Bob\n");
}

TEST(ReplPiped, ARoomTextThatIsNotUtf8IsRefusedAndTheChatGoesOn) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "chat Ada lobby\nab\xff\nhi\n/leave\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  // The refusal prints when the line is read, the room's events when they arrive.
  EXPECT_NE(result.out.find("text: not valid UTF-8 at byte 3 (0xff)\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Hello Ada, welcome to lobby (nobody else is here)\nAda: hi\n"),
            std::string::npos)
      << result.out;
}

TEST(ReplPiped, LinesEndingInCrLfLoseTheCarriageReturn) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "hello Alice\r\ncollect\r\nAda\r\nGrace\r\n\r\nquit\r\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice\nHello Ada and Grace (2 names)\n");
}

TEST(ReplPiped, AWhiteSpaceOnlyNameIsRefusedAndABlankLineIsAnEmptyOne) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "hello \"   \"\n"
                                 "chat \" \" lobby\n"
                                 "collect\n"
                                 "Ada\n"
                                 "  \t \n"  // blank: the half-close, as an empty line
                                 "hello Bob\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out,
            "name: only white space (a name needs a letter or sign)\n"
            "name: only white space (a name needs a letter or sign)\n"
            "Hello Ada (1 name)\n"
            "Hello Bob\n");
}

TEST(ReplPiped, DurationsFollowTheFlagsRuleABareNumberIsSeconds) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "stream Bob 2 20\n"
                                 "stream Bob 2 10ms\n"
                                 "set deadline 0\n"
                                 "set deadline 0.2\n"
                                 "stream Slow 2 1\n");
  EXPECT_EQ(result.out,
            "INVALID_ARGUMENT: interval_ms: must be at most 10000, got 20000\n"
            "Hello Bob (1 of 2)\n"
            "Hello Bob (2 of 2)\n"
            "set deadline: must be more than 0 (unset deadline: no deadline)\n"
            "deadline 200ms on every call\n"
            "Hello Slow (1 of 2)\n"
            "DEADLINE_EXCEEDED: Deadline Exceeded\n");
}

TEST(ReplPiped, EndOfInputEndsAChatThenTheSession) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target()}, "chat Alice\nBob\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "Hello Alice\nHello Bob\n");
}

TEST(ReplPiped, TourShowsTheOneConnection) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "repl"}, "tour Alice\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto calls = server.WaitForCalls(4);
  EXPECT_NE(result.out.find("4. SayHelloBidiStream"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("All four calls shared one connection: the server saw each come from " +
                            calls.front().peer),
            std::string::npos)
      << result.out;
}

TEST(ReplPiped, WhoWaitsForTheWelcomeToSayWhoIsThere) {
  TestServer server;
  auto stub = server.NewStub();
  Member bob(*stub, "Bob", "lobby");
  bob.WaitFor(greet::WELCOME, "Bob");
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "chat Ann lobby\n/who\nhi\n/leave\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Hello Ann, welcome to lobby (here: Bob)\n"
            "here in lobby: you (Ann), Bob\n"
            "Ann: hi\n");
}

TEST(ReplPiped, ACollectAfterARoomChatSendsNamesNotRoomTexts) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "chat Ada lobby\nhi\n/leave\ncollect\nBob\nCy\n\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Hello Ada, welcome to lobby (nobody else is here)\n"
            "Ada: hi\n"
            "Hello Bob and Cy (2 names)\n");
}

TEST(ReplPiped, TheTestKnobFlagsApplyToItsCallsToo) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "--fail", "NOT_FOUND:nope"},
                 "hello A\nstream B 2 0\ncollect\nC\n\nchat D\n");
  EXPECT_EQ(result.out,
            "NOT_FOUND: nope\n"
            "NOT_FOUND: nope\n"
            "NOT_FOUND: nope\n"
            "NOT_FOUND: nope\n");
}

TEST(ReplPiped, TheTestKnobsAreSetAndUnsetAtThePrompt) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "set fail NOT_FOUND:no such greeting\n"
                                 "hello A\n"
                                 "set fail-after 2\n"
                                 "stream B 3 0\n"
                                 "unset fail\n"
                                 "hello C\n"
                                 "set fail-after 1\n"
                                 "set fail BOGUS\n"
                                 "set delay 20ms\n"
                                 "set padding 5\n"
                                 "hello D\n"
                                 "unset delay\n"
                                 "unset padding\n"
                                 "set call-info maybe\n"
                                 "hello E\n");
  EXPECT_EQ(result.out,
            "fail NOT_FOUND: no such greeting, after 0 replies, on every call\n"
            "NOT_FOUND: no such greeting\n"
            "fail NOT_FOUND: no such greeting, after 2 replies, on every call\n"
            "Hello B (1 of 3)\n"
            "Hello B (2 of 3)\n"
            "NOT_FOUND: no such greeting\n"
            "no fail\n"
            "Hello C\n"
            "set fail-after: no fail set (set fail CODE[:MESSAGE] first)\n"
            "set fail: not a failing gRPC status code: BOGUS\n"
            "delay 20ms before the first reply of every call\n"
            "padding 5 bytes on every reply\n"
            "Hello D\n"
            "no delay\n"
            "no padding\n"
            "set call-info: use on or off, got maybe\n"
            "Hello E\n");
  const auto calls = server.WaitForCalls(5);  // in the order the server finished them
  EXPECT_EQ(
      std::count_if(calls.begin(), calls.end(),
                    [](const auto& call) { return call.code == grpc::StatusCode::NOT_FOUND; }),
      2);
}

TEST(ReplPiped, CallInfoAndMetadataPrintAfterTheRepliesWhenSwitchedOn) {
  TestServer server;
  const auto result = RunProgram(
      {GREETER_CLIENT_BIN, "--target", server.target(), "--header", "x-echo-trailing-id=7"},
      "set metadata on\n"
      "hello A\n"
      "set call-info on\n"
      "unset metadata\n"
      "hello B\n"
      "unset call-info\n"
      "hello C\n");
  const auto calls = server.WaitForCalls(3);
  EXPECT_EQ(result.out,
            "metadata on: the server's initial and trailing metadata print after each call\n"
            "Hello A\n"
            "trailing x-echo-trailing-id: 7\n"
            "call-info on: each reply shows the server's view of the call\n"
            "metadata off\n"
            "Hello B\n"
            "  call: the server saw peer " +
                calls[1].peer +
                ", client half-closed: yes\n"  // a unary request comes with its half-close
                "call-info off\n"
                "Hello C\n");
}

TEST(ReplPiped, ShowMetadataFlagSwitchesTheReplsMetadataOn) {
  TestServer server;
  const auto result =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "--show-metadata", "--header",
                  "x-echo-initial-team=blue", "repl"},
                 "hello A\nunset metadata\nhello B\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "Hello A\n"
            "initial x-echo-initial-team: blue\n"
            "metadata off\n"
            "Hello B\n");
}

TEST(ReplPiped, StatusShowsEveryKnob) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()},
                                 "status\n"
                                 "set fail ABORTED:stop here\n"
                                 "set fail-after 3\n"
                                 "set delay 1.5s\n"
                                 "set padding 64\n"
                                 "set call-info on\n"
                                 "set metadata on\n"
                                 "status\n");
  const std::string unset =
      "  fail        none\n"
      "  delay       none\n"
      "  padding     none\n"
      "  call-info   off\n"
      "  metadata    off\n";
  const std::string set =
      "  fail        ABORTED: stop here, after 3 replies\n"
      "  delay       1.5s\n"
      "  padding     64 bytes\n"
      "  call-info   on\n"
      "  metadata    on\n";
  const size_t first = result.out.find(unset);
  EXPECT_NE(first, std::string::npos) << result.out;
  EXPECT_NE(result.out.find(set, first), std::string::npos) << result.out;
}

TEST(ReplPiped, AStatusOnTheFirstLineShowsTheConnectionTheSessionOpens) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target()}, "status\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("  socket "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("-> 127.0.0.1:" + std::to_string(server.port())), std::string::npos)
      << result.out;
}

TEST(ReplPiped, ChatLinesTheServerIsNotReadingDoNotFreezeTheSession) {
  TestServer server;
  // The server holds its first reply for 10 s and stops reading after a few requests: the
  // lines pile up in the client, whose Ctrl-C must still cancel the chat at once.
  ChildProcess client({GREETER_CLIENT_BIN, "--target", server.target(), "--delay", "10s"});
  std::string script = "chat Me\n";
  const std::string name(250, 'n');
  for (int i = 0; i < 60000; ++i) script += name + "\n";
  client.WriteStdin(script);
  server.WaitForCallsStarted(1);
  client.Signal(SIGINT);
  EXPECT_EQ(client.ReadStdoutLine(3s), "CANCELLED by Ctrl-C after 0 replies");
}

TEST(ReplPiped, ErrorsOfAStreamAreReportedAndTheSessionGoesOn) {
  TestServer server;
  const auto result = RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "repl"},
                                 "set deadline 200ms\nstream Slow 3 5s\nhello Fast\n");
  EXPECT_EQ(result.out,
            "deadline 200ms on every call\n"
            "Hello Slow (1 of 3)\n"
            "DEADLINE_EXCEEDED: Deadline Exceeded\n"
            "Hello Fast\n");
}

}  // namespace
}  // namespace greeter::testing

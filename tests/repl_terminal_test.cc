// The interactive client on a real pseudo-terminal, typed into as a person would.

#include <fcntl.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/child_process.h"
#include "tests/support/pty_process.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

constexpr auto kReadyPrompt = "ready\x1b[0m> ";
constexpr auto kCtrlC = "\x03";
constexpr auto kCtrlD = "\x04";
constexpr auto kUp = "\x1b[A";
constexpr auto kBackspace = "\x7f";

class ReplTerminal : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("greeter-repl-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  std::unique_ptr<PtyProcess> StartClient(const std::string& target,
                                          const std::vector<std::string>& flags = {}) {
    auto client = LaunchClient(target, flags);
    EXPECT_TRUE(client->WaitFor(kReadyPrompt, 10s)) << client->output();
    return client;
  }
  // Without waiting for a connection.
  std::unique_ptr<PtyProcess> LaunchClient(const std::string& target,
                                           const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv{GREETER_CLIENT_BIN, "--target", target};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<PtyProcess>(
        argv,
        // No locale set, as on a fresh server or in a container: UTF-8 must work all the same.
        std::vector<std::string>{"HOME=" + home_.string(), "TERM=xterm",
                                 "XDG_STATE_HOME=", "LANG=", "LC_ALL=", "LC_CTYPE="});
  }

  std::filesystem::path home_;
};

TEST_F(ReplTerminal, AFullSessionOfEveryCommand) {
  TestServer server;
  auto client = StartClient(server.target());

  client->Type("hello Alice\r");
  EXPECT_TRUE(client->WaitFor("Hello Alice\r\nOK in ", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));

  client->Type("stream Bob 3 0\r");
  EXPECT_TRUE(client->WaitFor("Hello Bob (3 of 3)", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("OK: 3 replies in ", 5s));
  EXPECT_TRUE(client->WaitFor(" replies/s", 5s));

  client->Type("collect\r");
  EXPECT_TRUE(client->WaitFor("name", 5s));
  client->Type("Ada\rGrace\r\r");
  EXPECT_TRUE(client->WaitFor("Hello Ada and Grace (2 names)", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));

  client->Type("chat Me\r");
  EXPECT_TRUE(client->WaitFor("Hello Me", 5s)) << client->output();
  client->Type("Bob\r");
  EXPECT_TRUE(client->WaitFor("Hello Bob", 5s));
  client->Type(kCtrlD);  // half-close: the server finishes after its last reply
  EXPECT_TRUE(client->WaitFor("OK: 2 replies", 5s)) << client->output();

  client->Type("tour T\r");
  EXPECT_TRUE(client->WaitFor("All four calls shared one connection", 5s)) << client->output();

  client->Type("set deadline 3s\r");
  EXPECT_TRUE(client->WaitFor("deadline 3s on every call", 5s));
  client->Type("set header x-team=blue\r");
  EXPECT_TRUE(client->WaitFor("header x-team: blue on every call", 5s));
  client->Type("status\r");
  EXPECT_TRUE(client->WaitFor(" to " + server.target() + ", READY", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("streams     8 started, 8 succeeded, 0 failed", 5s))
      << client->output();
  EXPECT_TRUE(client->WaitFor("All 8 calls shared this one connection", 5s));
  EXPECT_TRUE(client->WaitFor("deadline    3s", 5s));
  EXPECT_TRUE(client->WaitFor("headers     x-team: blue", 5s));

  client->Type("help\r");
  EXPECT_TRUE(client->WaitFor("Ctrl-C cancels the call in progress.", 5s));
  client->Type("quit\r");
  EXPECT_EQ(client->Wait(5s), 0);

  // Every call was on one connection, and the history remembers the commands.
  const auto calls = server.WaitForCalls(8);
  for (const auto& call : calls) EXPECT_EQ(call.peer, calls.front().peer);
  EXPECT_TRUE(std::filesystem::exists(home_ / ".local/state/greeter/history"));
}

TEST_F(ReplTerminal, NonAsciiLettersTypedKeyByKeyAreSentEditedAndRecalledIntact) {
  TestServer server;
  auto client = StartClient(server.target());
  ASSERT_TRUE(client->TypeKeyByKey("hello Zoë", 2s)) << client->output();
  client->Type("\r");
  EXPECT_TRUE(client->WaitFor("Hello Zoë\r\n", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));

  ASSERT_TRUE(client->TypeKeyByKey("hello 世界", 2s)) << client->output();
  client->Type("\r");
  EXPECT_TRUE(client->WaitFor("Hello 世界\r\n", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));

  // Recalled from history, one Backspace takes one character (not one byte) of it.
  client->Type(kUp);
  EXPECT_TRUE(client->WaitFor("hello 世界", 5s)) << client->output();
  client->Type(kBackspace);
  ASSERT_TRUE(client->TypeKeyByKey("人", 2s)) << client->output();
  client->Type("\r");
  EXPECT_TRUE(client->WaitFor("Hello 世人\r\n", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));

  // Three lines back is the first one, intact. (libedit redraws only what differs from the
  // line shown, so the screen shows no whole "hello Zoë" to wait for: the reply tells.)
  client->Type(std::string(kUp) + kUp + kUp + "\r");
  EXPECT_TRUE(client->WaitFor("Hello Zoë\r\n", 5s)) << client->output();
}

TEST_F(ReplTerminal, AChatTheServerRefusesReturnsToTheCommandPromptSayingSo) {
  TestServer server;
  ChildProcess alice(
      {GREETER_CLIENT_BIN, "--target", server.target(), "chat", "Alice", "--room", "lobby"});
  ASSERT_EQ(alice.ReadStdoutLine(5s), "Hello Alice, welcome to lobby (nobody else is here)");
  auto client = StartClient(server.target());

  client->Type("chat Alice lobby\r");
  EXPECT_TRUE(
      client->WaitFor("left lobby: ALREADY_EXISTS: name: Alice is already in room lobby", 5s))
      << client->output();
  // The command prompt is back before anything more is typed.
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();

  client->Type("chat \"\" lobby\r");
  EXPECT_TRUE(client->WaitFor(
      "left lobby: INVALID_ARGUMENT: name: must be 1 to 256 bytes of UTF-8, got 0", 5s))
      << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();

  client->Type("hello Bob\r");  // a command, not a line said to the room
  EXPECT_TRUE(client->WaitFor("Hello Bob\r\n", 5s)) << client->output();
}

TEST_F(ReplTerminal, AChatTheServerEndsReturnsToTheCommandPromptSayingSo) {
  TestServer server;
  auto client = StartClient(server.target(), {"--fail", "ABORTED:enough", "--fail-after", "2"});
  client->Type("chat A\r");
  EXPECT_TRUE(client->WaitFor("Hello A\r\n", 5s)) << client->output();
  client->Type("B\r");
  EXPECT_TRUE(client->WaitFor("Hello B\r\n", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("left the chat: ABORTED: enough", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();
  client->Type("help hello\r");
  EXPECT_TRUE(client->WaitFor("usage: hello NAME", 5s)) << client->output();
}

TEST_F(ReplTerminal, TheRestOfALineHalfTypedWhenTheServerEndsTheChatIsDroppedToo) {
  TestServer server;
  // The server ends the chat after its first reply, which it holds back for 2 s: the next line
  // is half typed when the end comes.
  auto client = StartClient(server.target(),
                            {"--fail", "ABORTED:enough", "--fail-after", "1", "--delay", "2s"});
  client->Type("chat A\r");
  EXPECT_TRUE(client->WaitFor("ends the chat", 5s)) << client->output();
  client->Type("x\r");
  client->Type("hal");
  EXPECT_TRUE(client->WaitFor("chat\x1b[0m> hal", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("left the chat: ABORTED: enough", 10s)) << client->output();
  // Typed after the end, not knowing: the rest of the chat's line, and its Enter.
  client->Type("lo world\r");
  client->Type("help hello\r");
  EXPECT_TRUE(client->WaitFor("usage: hello NAME", 5s)) << client->output();

  // Ctrl-C ends the dropping too: what is typed after it is a command again.
  client->Type("chat B\r");
  client->Type("x\r");
  client->Type("hal");
  EXPECT_TRUE(client->WaitFor("chat\x1b[0m> hal", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("left the chat: ABORTED: enough", 10s)) << client->output();
  client->Type(kCtrlC);  // a signal, not a key: the next keys wait for its echo
  EXPECT_TRUE(client->WaitFor("^C\r\n", 5s)) << client->output();
  client->Type("help stream\r");
  EXPECT_TRUE(client->WaitFor("usage: stream NAME", 5s)) << client->output();
  EXPECT_EQ(client->output().find("unknown command"), std::string::npos) << client->output();
}

TEST_F(ReplTerminal, WhoInARoomListsTheMembersAsTheyComeAndGo) {
  TestServer server;
  ChildProcess alice(
      {GREETER_CLIENT_BIN, "--target", server.target(), "chat", "Alice", "--room", "lobby"});
  ASSERT_EQ(alice.ReadStdoutLine(5s), "Hello Alice, welcome to lobby (nobody else is here)");
  auto client = StartClient(server.target());
  client->Type("chat Ada lobby\r");
  EXPECT_TRUE(client->WaitFor("welcome to lobby (here: Alice)", 5s)) << client->output();
  ChildProcess bob(
      {GREETER_CLIENT_BIN, "--target", server.target(), "chat", "Bob", "--room", "lobby"});
  EXPECT_TRUE(client->WaitFor("Bob joined", 5s)) << client->output();

  client->Type("/who\r");
  EXPECT_TRUE(client->WaitFor("here in lobby: you (Ada), Alice, Bob\r\n", 5s)) << client->output();
  alice.CloseStdin();  // Alice leaves
  EXPECT_TRUE(client->WaitFor("Alice left", 5s)) << client->output();
  client->Type("/who\r");
  EXPECT_TRUE(client->WaitFor("here in lobby: you (Ada), Bob\r\n", 5s)) << client->output();
  EXPECT_EQ(client->output().find("Ada: /who"), std::string::npos);  // not said to the room
  client->Type("/leave\r");
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();
}

TEST_F(ReplTerminal, TabInAChatDoesNotCompleteACommandName) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("chat Me\r");
  EXPECT_TRUE(client->WaitFor("Hello Me\r\n", 5s)) << client->output();
  client->Type("tou\t\r");  // at the command prompt, Tab would make it "tour "
  EXPECT_TRUE(client->WaitFor("Hello tou\r\n", 5s)) << client->output();
  client->Type("/leave\r");
  EXPECT_TRUE(client->WaitFor("OK: 2 replies", 5s)) << client->output();
}

TEST_F(ReplTerminal, OnlyCommandLinesGoIntoTheHistory) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("collect\r");
  EXPECT_TRUE(client->WaitFor("name", 5s)) << client->output();
  client->Type("Ada\r\r");
  EXPECT_TRUE(client->WaitFor("Hello Ada (1 name)", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));
  client->Type("chat Me\r");
  EXPECT_TRUE(client->WaitFor("Hello Me\r\n", 5s)) << client->output();
  client->Type("Bob\r");
  EXPECT_TRUE(client->WaitFor("Hello Bob\r\n", 5s)) << client->output();
  client->Type("/leave\r");
  EXPECT_TRUE(client->WaitFor("OK: 2 replies", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));

  // Two lines back is "collect", not the chat's "Bob" nor the name "Ada".
  client->Type(std::string(kUp) + kUp + "\r");
  EXPECT_TRUE(client->WaitFor("name", 5s)) << client->output();
  client->Type("Grace\r\r");
  EXPECT_TRUE(client->WaitFor("Hello Grace (1 name)", 5s)) << client->output();
  client->Type(std::string(kUp) + "\r");  // one line back: "collect" again
  EXPECT_TRUE(client->WaitFor("name", 5s)) << client->output();
}

TEST_F(ReplTerminal, TabCompletesTheKnobsOfSetAndUnsetAndHelpListsThem) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("set pad\t7\r");
  EXPECT_TRUE(client->WaitFor("padding 7 bytes on every reply", 5s)) << client->output();
  client->Type("set fail-\t3\r");
  EXPECT_TRUE(client->WaitFor("set fail-after: no fail set", 5s)) << client->output();
  client->Type("set call-info of\t\r");
  EXPECT_TRUE(client->WaitFor("call-info off", 5s)) << client->output();
  client->Type("unset pad\t\r");
  EXPECT_TRUE(client->WaitFor("no padding", 5s)) << client->output();
  client->Type("help set\r");
  EXPECT_TRUE(client->WaitFor("metadata on|off", 5s)) << client->output();
  for (const char* knob : {"fail CODE[:MESSAGE]", "fail-after N", "delay DURATION", "padding BYTES",
                           "call-info on|off", "metadata on|off"}) {
    EXPECT_NE(client->output().find(knob), std::string::npos) << knob;
  }
}

TEST_F(ReplTerminal, ShowMetadataIsAcceptedAndShownInStatus) {
  TestServer server;
  auto client = StartClient(server.target(), {"--show-metadata", "--delay", "10ms"});
  client->Type("status\r");
  EXPECT_TRUE(client->WaitFor("  delay       10ms", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("  metadata    on", 5s)) << client->output();
}

TEST_F(ReplTerminal, TwoSessionsAtOnceKeepEachOthersHistory) {
  TestServer server;
  auto first = StartClient(server.target());
  auto second = StartClient(server.target());
  first->Type("hello First\r");
  EXPECT_TRUE(first->WaitFor("Hello First\r\n", 5s)) << first->output();
  second->Type("hello Second\r");
  EXPECT_TRUE(second->WaitFor("Hello Second\r\n", 5s)) << second->output();
  first->Type("quit\r");
  EXPECT_EQ(first->Wait(5s), 0);
  second->Type("quit\r");  // leaves after the first: its history must not replace the first's
  EXPECT_EQ(second->Wait(5s), 0);

  auto third = StartClient(server.target());
  // The history is hello First, quit, hello Second, quit: four back is the first session's.
  third->Type(std::string(kUp) + kUp + kUp + kUp + "\r");
  EXPECT_TRUE(third->WaitFor("Hello First\r\n", 5s)) << third->output();
  EXPECT_TRUE(third->WaitFor(kReadyPrompt, 5s));
  third->Type(std::string(kUp) + kUp + kUp + "\r");  // now three back: the second's
  EXPECT_TRUE(third->WaitFor("Hello Second\r\n", 5s)) << third->output();
}

TEST_F(ReplTerminal, CtrlCCancelsASlowStreamAndThePromptComesBackAtOnce) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("stream Slow 100 10s\r");
  EXPECT_TRUE(client->WaitFor("Hello Slow (1 of 100)", 5s)) << client->output();
  client->Type(kCtrlC);  // the server now waits 10 s for the next reply
  EXPECT_TRUE(client->WaitFor("CANCELLED by Ctrl-C after 1 reply", 2s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 2s));
  const auto call = server.WaitForCall(3s);
  EXPECT_EQ(call.code, grpc::StatusCode::CANCELLED);
  EXPECT_EQ(call.method, "SayHelloServerStream");

  client->Type("hello Again\r");  // the session goes on
  EXPECT_TRUE(client->WaitFor("Hello Again", 5s)) << client->output();
}

TEST_F(ReplTerminal, CtrlCAtThePromptClearsTheLineButKeepsTheSession) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("hello Mistake");
  EXPECT_TRUE(client->WaitFor("Mistake", 5s));
  client->Type(kCtrlC);
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();
  client->Type("hello Right\r");
  EXPECT_TRUE(client->WaitFor("Hello Right", 5s)) << client->output();
  EXPECT_EQ(client->output().find("Hello Mistake"), std::string::npos);
  client->Type(kCtrlD);  // Ctrl-D at an empty prompt leaves
  EXPECT_EQ(client->Wait(5s), 0) << client->output();
}

TEST_F(ReplTerminal, TheBannerSaysConnectedOnlyOnceTheServerAnswers) {
  TestServer server;
  auto client = LaunchClient(server.target());
  EXPECT_TRUE(client->WaitFor("greeter: connecting to " + server.target(), 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("greeter: connected to " + server.target(), 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();
}

TEST_F(ReplTerminal, TheBannerSaysWhyItCannotConnectWhenNothingListens) {
  const std::string target = "127.0.0.1:" + std::to_string(UnusedPort());
  auto client = LaunchClient(target);
  EXPECT_TRUE(client->WaitFor("greeter: cannot connect to " + target + ": ", 10s))
      << client->output();
  EXPECT_TRUE(client->WaitFor("Connection refused", 5s)) << client->output();
  EXPECT_EQ(client->output().find("connected to"), std::string::npos) << client->output();
  client->Type("quit\r");
  EXPECT_EQ(client->Wait(5s), 0);
}

TEST_F(ReplTerminal, AConnectionTheServerClosesForIdlenessIsNotReportedAsLost) {
  // Port 0: the server picks a free one and says which (a port chosen beforehand can be taken
  // by a test running beside this one).
  ChildProcess server(
      {GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--max-connection-idle", "1s"});
  const auto listening = server.ReadStdoutLine(10s);
  ASSERT_TRUE(listening) << server.stderr_text();
  const std::string target = listening->substr(listening->rfind(' ') + 1);
  auto client = StartClient(target);
  // The server closes the idle connection: the channel goes idle, and stays so until a call.
  EXPECT_TRUE(client->WaitFor("idle\x1b[0m> ", 5s)) << client->output();
  EXPECT_FALSE(client->WaitFor("lost the connection", 3s)) << client->output();
  client->Type("hello Ada\r");  // the next call connects again
  EXPECT_TRUE(client->WaitFor("Hello Ada\r\n", 5s)) << client->output();
  EXPECT_EQ(client->output().find("lost the connection"), std::string::npos) << client->output();
}

TEST_F(ReplTerminal, KeysTypedWhileACallRunsReachTheNextPromptCtrlDIncluded) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("stream Bob 2 300ms\r");
  EXPECT_TRUE(client->WaitFor("Hello Bob (1 of 2)", 5s)) << client->output();
  client->Type(kCtrlD);  // typed ahead: it ends the session once the prompt is back
  EXPECT_TRUE(client->WaitFor("OK: 2 replies", 5s)) << client->output();
  EXPECT_EQ(client->Wait(5s), 0) << client->output();
}

TEST_F(ReplTerminal, CtrlCWhileAChatWaitsToRejoinEndsItAtOnce) {
  auto server = std::make_unique<TestServer>();
  auto client = StartClient(server->target());
  client->Type("chat Bob lobby\r");
  ASSERT_TRUE(client->WaitFor("welcome to lobby", 5s)) << client->output();
  server.reset();  // and it does not come back
  ASSERT_TRUE(client->WaitFor("rejoining lobby", 10s)) << client->output();
  client->Type(kCtrlC);
  EXPECT_TRUE(client->WaitFor("CANCELLED by Ctrl-C", 3s)) << client->output();
  EXPECT_TRUE(client->WaitFor("greeter ", 3s)) << "not back at the command prompt:\n"
                                               << client->output();
}

TEST_F(ReplTerminal, AChatInARoomRejoinsByItselfAcrossAServerRestart) {
  auto server = std::make_unique<TestServer>();
  const int port = server->port();
  auto client = StartClient(server->target());
  client->Type("chat Bob lobby\r");
  ASSERT_TRUE(client->WaitFor("welcome to lobby", 5s)) << client->output();

  server.reset();  // the room ends UNAVAILABLE: the server is shutting down
  EXPECT_TRUE(client->WaitFor("rejoining lobby", 10s)) << client->output();
  server = std::make_unique<TestServer>(ServerLimits{}, port);
  ASSERT_TRUE(client->WaitFor("welcome back to lobby", 40s)) << client->output();
  EXPECT_TRUE(client->WaitFor("its history is lost", 5s)) << client->output();
  client->Type("still here\r");  // said on the rejoined call
  EXPECT_TRUE(client->WaitFor("Bob: still here", 5s)) << client->output();
  client->Type("/leave\r");
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();
}

TEST_F(ReplTerminal, ServerRestartIsNoticedAndTheChannelReconnectsKeepingTheTypedLine) {
  auto server = std::make_unique<TestServer>();
  const int port = server->port();
  auto client = StartClient(server->target());
  client->Type("hello Al");  // half typed when the server goes away

  server.reset();
  EXPECT_TRUE(client->WaitFor(
      "lost the connection to " + std::string("127.0.0.1:") + std::to_string(port), 10s))
      << client->output();
  EXPECT_TRUE(client->WaitFor("hello Al", 5s)) << "the typed text was not redrawn:\n"
                                               << client->output();

  server = std::make_unique<TestServer>(ServerLimits{}, port);
  EXPECT_TRUE(client->WaitFor("connected again", 20s)) << client->output();
  client->Type("ice\r");  // finishes the line typed before the restart
  EXPECT_TRUE(client->WaitFor("Hello Alice", 5s)) << client->output();
  EXPECT_EQ(server->WaitForCall().method, "SayHello");
}

TEST_F(ReplTerminal, AfterCtrlZAndFgTheReplStillPrintsChatRepliesAndReadsKeys) {
  TestServer server;
  ChildProcess bob(
      {GREETER_CLIENT_BIN, "--target", server.target(), "chat", "Bob", "--room", "lobby"});
  ASSERT_EQ(bob.ReadStdoutLine(5s), "Hello Bob, welcome to lobby (nobody else is here)");
  // A shell with job control, as a person has: Ctrl-Z stops its job, fg continues it.
  auto client = std::make_unique<PtyProcess>(
      std::vector<std::string>{"/bin/bash", "--norc", "--noprofile", "-i"},
      std::vector<std::string>{"HOME=" + home_.string(), "TERM=xterm",
                               "XDG_STATE_HOME=", "HISTFILE=/dev/null", "PS1=shell$ "});
  ASSERT_TRUE(client->WaitFor("shell$ ", 10s)) << client->output();
  client->Type(std::string(GREETER_CLIENT_BIN) + " --target " + server.target() + "\r");
  ASSERT_TRUE(client->WaitFor(kReadyPrompt, 10s)) << client->output();
  client->Type("chat Ada lobby\r");
  EXPECT_TRUE(client->WaitFor("welcome to lobby (here: Bob)", 5s)) << client->output();

  client->Type("\x1a");  // Ctrl-Z
  ASSERT_TRUE(client->WaitFor("Stopped", 5s)) << client->output();
  ASSERT_TRUE(client->WaitFor("shell$ ", 5s)) << client->output();
  client->Type("fg\r");
  EXPECT_TRUE(client->WaitFor("lobby", 5s)) << "no prompt after fg:\n" << client->output();

  bob.WriteStdin("hi Ada\n");
  EXPECT_TRUE(client->WaitFor("Bob: hi Ada", 5s)) << client->output();
  ASSERT_TRUE(client->TypeKeyByKey("hal", 2s)) << client->output();
  bob.WriteStdin("still there?\n");  // printed above the half-typed line, which stays
  EXPECT_TRUE(client->WaitFor("Bob: still there?", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("hal", 5s)) << "typed text lost:\n" << client->output();
  client->Type("f\r");
  EXPECT_TRUE(client->WaitFor("Ada: half", 5s)) << client->output();
  client->Type("/leave\r");
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s)) << client->output();
}

TEST_F(ReplTerminal, TheShellGetsItsTerminalBackBlockingAfterTheReplEnds) {
  TestServer server;
  // A shell that runs the REPL, then shows how the terminal it shares with the REPL is left.
  // Left non-blocking, the next program to read it fails ("cat: -: Resource temporarily
  // unavailable") as soon as it finds no key typed yet.
  PtyProcess shell({"/bin/sh", "-c",
                    "\"$0\" --target \"$1\"; echo repl-ended; "
                    "sed -n 's/^flags:[[:space:]]*/terminal flags: /p' /proc/self/fdinfo/0",
                    GREETER_CLIENT_BIN, server.target()},
                   {"HOME=" + home_.string(), "TERM=xterm", "XDG_STATE_HOME="});
  ASSERT_TRUE(shell.WaitFor(kReadyPrompt, 10s)) << shell.output();
  shell.Type("hello Ada\r");
  EXPECT_TRUE(shell.WaitFor("Hello Ada\r\n", 5s)) << shell.output();
  shell.Type("quit\r");
  ASSERT_TRUE(shell.WaitFor("repl-ended", 5s)) << shell.output();
  ASSERT_TRUE(shell.WaitFor("terminal flags: ", 5s)) << shell.output();
  ASSERT_TRUE(shell.WaitFor("\r\n", 5s)) << shell.output();
  const std::string& out = shell.output();
  const size_t at = out.rfind("terminal flags: ") + std::string("terminal flags: ").size();
  const long flags = std::stol(out.substr(at, out.find('\r', at) - at), nullptr, 8);
  EXPECT_EQ(flags & O_NONBLOCK, 0) << "left non-blocking: " << out.substr(at);
}

TEST_F(ReplTerminal, NoReplyIsLostOnATerminalThatReadsSlowly) {
  TestServer server;
  auto client = StartClient(server.target());
  const std::string name(200, 'n');  // 1000 replies of 220 bytes: more than a terminal buffers
  client->Type("stream " + name + " 1000 0\r");
  // The terminal is not read until the server has sent every reply: the client's writes to it
  // must wait for room, not fail.
  EXPECT_EQ(server.WaitForCall(20s).code, grpc::StatusCode::OK);
  EXPECT_TRUE(client->WaitFor("OK: 1000 replies", 20s)) << client->output().substr(0, 2000);
  for (int i = 1; i <= 1000; ++i) {
    const std::string reply = "Hello " + name + " (" + std::to_string(i) + " of 1000)\r\n";
    ASSERT_NE(client->output().find(reply), std::string::npos) << "lost: reply " << i;
  }
}

TEST_F(ReplTerminal, WithFramesEachFramePrintsAboveThePromptUntilFramesOff) {
  TestServer server;
  auto client = StartClient(server.target(), {"--frames"});
  client->Type("hello Alice\r");
  EXPECT_TRUE(client->WaitFor("\xe2\x86\x92 HEADERS stream=1 [END_HEADERS]", 5s))
      << client->output();
  EXPECT_TRUE(client->WaitFor("greet.HelloRequest {name: \"Alice\"}, END_STREAM (half-close)", 5s))
      << client->output();
  EXPECT_TRUE(client->WaitFor("ended OK", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor(kReadyPrompt, 5s));
  client->Type("frames off\r");
  EXPECT_TRUE(client->WaitFor("frames off\r\n", 5s)) << client->output();
  client->Type("hello Bob\r");
  EXPECT_TRUE(client->WaitFor("Hello Bob\r\nOK in ", 5s)) << client->output();
  client->Type("status\r");
  EXPECT_TRUE(client->WaitFor("off (frames on shows them)", 5s)) << client->output();
  EXPECT_EQ(client->output().find("stream=3"), std::string::npos) << client->output();
  client->Type("quit\r");
  EXPECT_EQ(client->Wait(5s), 0);
}

TEST_F(ReplTerminal, WithFramesAServerRestartShowsTheNewConnectionWithItsOwnPreface) {
  auto server = std::make_unique<TestServer>();
  const int port = server->port();
  auto client = StartClient(server->target(), {"--frames"});
  client->Type("hello Ada\r");
  // Frame lines may print between the reply and its timing.
  EXPECT_TRUE(client->WaitFor("Hello Ada\r\n", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("OK in ", 5s)) << client->output();

  server.reset();
  EXPECT_TRUE(client->WaitFor("lost the connection", 10s)) << client->output();
  server = std::make_unique<TestServer>(ServerLimits{}, port);
  EXPECT_TRUE(client->WaitFor("connected again", 20s)) << client->output();
  client->Type("hello Grace\r");
  // Frame lines may print between the reply and its timing.
  EXPECT_TRUE(client->WaitFor("Hello Grace\r\n", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("OK in ", 5s)) << client->output();
  // The call went on a later connection, announced and decoded from its own preface on (a
  // fresh HPACK table: its headers decode whole).
  const std::string& screen = client->output();
  const auto preface = screen.rfind("PREFACE");
  const auto grace = screen.find("greet.HelloRequest {name: \"Grace\"}");
  ASSERT_NE(grace, std::string::npos) << screen;
  ASSERT_NE(preface, std::string::npos);
  EXPECT_LT(preface, grace);
  EXPECT_NE(screen.rfind("] \xe2\x86\x92 HEADERS stream=1 [END_HEADERS]"), std::string::npos)
      << screen;
  EXPECT_EQ(server->WaitForCall().method, "SayHello");
}

TEST_F(ReplTerminal, ChatRepliesPrintAboveAHalfTypedLineWithoutGarblingIt) {
  TestServer server;
  auto client = StartClient(server.target());
  client->Type("chat Me\r");
  EXPECT_TRUE(client->WaitFor("Hello Me", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("chat", 5s));
  // Two lines sent at once: the second is typed, half, while the first one's reply comes back.
  client->Type("First\rSecond hal");
  EXPECT_TRUE(client->WaitFor("Hello First", 5s)) << client->output();
  EXPECT_TRUE(client->WaitFor("Second hal", 5s)) << "typed text lost:\n" << client->output();
  client->Type("f\r");
  EXPECT_TRUE(client->WaitFor("Hello Second half", 5s)) << client->output();
  client->Type("/leave\r");
  EXPECT_TRUE(client->WaitFor("OK: 3 replies", 5s)) << client->output();
}

}  // namespace
}  // namespace greeter::testing

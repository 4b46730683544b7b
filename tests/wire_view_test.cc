// greeter-client --frames=json against a real server: the frames each call shape puts on the
// one connection, as the view reports them, through the real binary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support/child_process.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

using nlohmann::json;

class WireView : public ::testing::Test {
 protected:
  // Runs the client with --frames=json; the frame objects it printed on stderr, in order.
  std::vector<json> Frames(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {GREETER_CLIENT_BIN, "--target", server_.target(), "--frames=json"});
    run_ = RunProgram(args, input);
    std::vector<json> frames;
    std::istringstream lines(run_.err);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("greeter-client: ")) continue;  // the tool's own lines
      json object = json::parse(line, nullptr, false);
      EXPECT_FALSE(object.is_discarded()) << "not JSON: " << line;
      if (object.contains("type")) frames.push_back(std::move(object));
    }
    return frames;
  }

  // The frames of `type` going `dir`, on `stream` when given.
  static std::vector<json> Only(const std::vector<json>& frames, const std::string& dir,
                                const std::string& type, std::optional<uint32_t> stream = {}) {
    std::vector<json> picked;
    for (const auto& frame : frames) {
      if (frame["dir"] == dir && frame["type"] == type && (!stream || frame["stream"] == *stream)) {
        picked.push_back(frame);
      }
    }
    return picked;
  }

  static std::string Header(const json& frame, const std::string& name) {
    for (const auto& pair : frame["headers"]) {
      if (pair[0] == name) return pair[1];
    }
    return "(absent)";
  }

  static bool HasFlag(const json& frame, const std::string& flag) {
    for (const auto& name : frame["flags"]) {
      if (name == flag) return true;
    }
    return false;
  }

  TestServer server_;
  RunResult run_;
};

TEST_F(WireView, AUnaryCallIsRequestHeadersDataWithHalfCloseThenHeadersDataTrailers) {
  const auto frames = Frames({"hello", "A"});
  ASSERT_EQ(run_.exit_code, 0) << run_.err;
  EXPECT_EQ(run_.out, "Hello A\n");  // replies on stdout as always
  ASSERT_FALSE(frames.empty()) << run_.err;
  // The client's first bytes are its preface (the server may send its SETTINGS before those
  // arrive: the relay connects to it first).
  EXPECT_EQ(Only(frames, "sent", "PREFACE").size(), 1u);
  for (const auto& frame : frames) {
    if (frame["dir"] == "sent") {
      EXPECT_EQ(frame["type"], "PREFACE");
      break;
    }
  }
  for (const auto& frame : frames) {
    for (const char* key : {"t_ms", "dir", "type", "stream", "flags", "length"}) {
      EXPECT_TRUE(frame.contains(key)) << key << " missing in " << frame.dump();
    }
  }

  const auto request = Only(frames, "sent", "HEADERS", 1);
  ASSERT_EQ(request.size(), 1u) << run_.err;
  EXPECT_EQ(request[0]["role"], "request headers");
  EXPECT_EQ(Header(request[0], ":path"), "/greet.Greeter/SayHello");
  EXPECT_EQ(Header(request[0], ":method"), "POST");
  EXPECT_EQ(Header(request[0], ":authority"), server_.target());  // as without the relay

  const auto sent_data = Only(frames, "sent", "DATA", 1);
  ASSERT_EQ(sent_data.size(), 1u) << run_.err;
  EXPECT_TRUE(HasFlag(sent_data[0], "END_STREAM"));
  ASSERT_EQ(sent_data[0]["messages"].size(), 1u);
  EXPECT_EQ(sent_data[0]["messages"][0]["type"], "greet.HelloRequest");
  EXPECT_EQ(sent_data[0]["messages"][0]["message"]["name"], "A");

  const auto response = Only(frames, "received", "HEADERS", 1);
  ASSERT_EQ(response.size(), 2u) << run_.err;
  EXPECT_EQ(response[0]["role"], "response headers");
  EXPECT_EQ(Header(response[0], ":status"), "200");
  EXPECT_EQ(response[1]["role"], "trailers");
  EXPECT_TRUE(HasFlag(response[1], "END_STREAM"));
  EXPECT_EQ(Header(response[1], "grpc-status"), "0");
  EXPECT_EQ(response[1]["grpc_status"], "OK");

  const auto received_data = Only(frames, "received", "DATA", 1);
  ASSERT_EQ(received_data.size(), 1u) << run_.err;
  EXPECT_EQ(received_data[0]["messages"][0]["type"], "greet.HelloReply");
  EXPECT_EQ(received_data[0]["messages"][0]["message"]["message"], "Hello A");

  // In that order on the wire: request headers, request data, response headers, data, trailers.
  std::vector<std::string> order;
  for (const auto& frame : frames) {
    if (frame["stream"] == 1)
      order.push_back(frame["dir"].get<std::string>() + " " + frame["type"].get<std::string>());
  }
  EXPECT_THAT(order, ::testing::IsSupersetOf(
                         {"sent HEADERS", "sent DATA", "received HEADERS", "received DATA"}));
  const auto first = [&order](const std::string& what) {
    return std::find(order.begin(), order.end(), what) - order.begin();
  };
  EXPECT_LT(first("sent HEADERS"), first("sent DATA"));
  EXPECT_LT(first("sent DATA"), first("received HEADERS"));
  EXPECT_LT(first("received HEADERS"), first("received DATA"));

  // Both sides' SETTINGS, each acknowledged by the other.
  for (const char* dir : {"sent", "received"}) {
    const auto settings = Only(frames, dir, "SETTINGS");
    EXPECT_TRUE(std::any_of(settings.begin(), settings.end(),
                            [&](const json& f) { return !HasFlag(f, "ACK"); }))
        << dir << ": no SETTINGS";
    EXPECT_TRUE(std::any_of(settings.begin(), settings.end(),
                            [&](const json& f) { return HasFlag(f, "ACK"); }))
        << dir << ": no SETTINGS ACK";
  }
}

TEST_F(WireView, TheTourRunsItsFourCallsOnStreamsOneThreeFiveSevenOfOneConnection) {
  const auto frames = Frames({"tour", "Ada"});
  ASSERT_EQ(run_.exit_code, 0) << run_.err;
  std::vector<uint32_t> streams;
  std::vector<std::string> paths;
  std::set<int> connections;
  for (const auto& frame : Only(frames, "sent", "HEADERS")) {
    streams.push_back(frame["stream"]);
    paths.push_back(Header(frame, ":path"));
  }
  for (const auto& frame : frames) connections.insert(frame["connection"].get<int>());
  EXPECT_THAT(streams, ::testing::ElementsAre(1, 3, 5, 7));
  EXPECT_THAT(paths, ::testing::ElementsAre("/greet.Greeter/SayHello",
                                            "/greet.Greeter/SayHelloServerStream",
                                            "/greet.Greeter/SayHelloClientStream",
                                            "/greet.Greeter/SayHelloBidiStream"));
  EXPECT_EQ(connections, std::set<int>{1});
}

TEST_F(WireView, TheTourTogetherStartsItsFourCallsAtOnceAndTheirFramesInterleave) {
  const auto frames = Frames({"tour", "Ada", "--together"});
  ASSERT_EQ(run_.exit_code, 0) << run_.err;
  EXPECT_NE(run_.out.find("All four calls shared one connection"), std::string::npos) << run_.out;
  std::vector<uint32_t> streams;
  size_t last_request = 0, server_stream_trailers = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const auto& frame = frames[i];
    if (frame["type"] != "HEADERS") continue;
    if (frame["dir"] == "sent") {
      streams.push_back(frame["stream"]);
      last_request = i;
    } else if (frame["role"] == "trailers" &&
               frame.value("method", "") == "/greet.Greeter/SayHelloServerStream") {
      server_stream_trailers = i;
    }
  }
  EXPECT_THAT(streams, ::testing::UnorderedElementsAre(1, 3, 5, 7));
  // Multiplexed, not one after another: the server stream (200 ms, its replies 100 ms apart)
  // is still open when the last of the four calls begins.
  EXPECT_LT(last_request, server_stream_trailers) << run_.err;
}

TEST_F(WireView, APassedDeadlineSendsRstStreamCancel) {
  // The server holds a copy of the deadline (grpc-timeout) and may end the call with
  // DEADLINE_EXCEEDED trailers a moment before the client's own fires; then the client has
  // nothing to reset. A few tries give the client's deadline its turn.
  for (int attempt = 1; attempt <= 5; ++attempt) {
    const auto frames =
        Frames({"--deadline", "50ms", "stream", "A", "--count", "5", "--interval", "1s"});
    ASSERT_EQ(run_.exit_code, 64 + 4) << run_.err;
    ASSERT_EQ(Only(frames, "received", "DATA", 1).size(), 1u) << run_.err;  // the first reply
    const auto resets = Only(frames, "sent", "RST_STREAM", 1);
    if (resets.empty()) {
      const auto trailers = Only(frames, "received", "HEADERS", 1);
      ASSERT_GE(trailers.size(), 2u) << "neither a reset nor the server's trailers\n" << run_.err;
      EXPECT_EQ(trailers[1]["grpc_status"], "DEADLINE_EXCEEDED") << run_.err;
      continue;
    }
    ASSERT_EQ(resets.size(), 1u) << run_.err;
    EXPECT_EQ(resets[0]["error_code"], "CANCEL");
    return;
  }
  ADD_FAILURE() << "the server's deadline beat the client's five times out of five";
}

TEST_F(WireView, ACancelledCallSendsRstStreamCancel) {
  // A chat cancels its call when an input line is not UTF-8; the first reply shows the stream
  // is on the wire by then.
  ChildProcess chat(
      {GREETER_CLIENT_BIN, "--target", server_.target(), "--frames=json", "chat", "Ada"});
  ASSERT_EQ(chat.ReadStdoutLine(5s), "Hello Ada");
  chat.WriteStdin("\xff\n");
  EXPECT_EQ(chat.Wait(5s), 2);
  std::vector<json> frames;
  std::istringstream lines(chat.stderr_text());
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, false);
    if (!object.is_discarded() && object.contains("type")) frames.push_back(object);
  }
  const auto resets = Only(frames, "sent", "RST_STREAM", 1);
  ASSERT_EQ(resets.size(), 1u) << chat.stderr_text();
  EXPECT_EQ(resets[0]["error_code"], "CANCEL");
  // No half-close came before the reset.
  for (const auto& data : Only(frames, "sent", "DATA", 1))
    EXPECT_FALSE(HasFlag(data, "END_STREAM"));
  EXPECT_EQ(server_.WaitForCall().code, grpc::StatusCode::CANCELLED);
}

TEST_F(WireView, AFailedCallsTrailersCarryItsCodeAndMessageIntact) {
  const auto frames = Frames({"--fail", "ABORTED:tab\tand \xc3\xa9", "hello", "A"});
  EXPECT_EQ(run_.exit_code, 64 + 10) << run_.err;
  const auto received = Only(frames, "received", "HEADERS", 1);
  ASSERT_EQ(received.size(), 1u) << run_.err;
  EXPECT_EQ(received[0]["role"], "trailers-only response");
  EXPECT_EQ(Header(received[0], "grpc-status"), "10");
  EXPECT_EQ(received[0]["grpc_status"], "ABORTED");
  EXPECT_EQ(received[0]["grpc_message"], "tab\tand \xc3\xa9");

  // The text view shows it readable on one line: UTF-8 as itself, the tab escaped.
  const auto text = RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames",
                                "--fail", "ABORTED:tab\tand \xc3\xa9", "hello", "A"});
  EXPECT_THAT(text.err, ::testing::HasSubstr("greet.HelloRequest {name: \"A\" fail { code: 10 "
                                             "message: \"tab\\tand \xc3\xa9\" }}"));
  EXPECT_THAT(text.err, ::testing::HasSubstr(
                            "trailers-only response: :status 200, content-type application/grpc, "
                            "grpc-status ABORTED (10), grpc-message \"tab\\tand \xc3\xa9\""));
  EXPECT_THAT(text.err, ::testing::HasSubstr("ended ABORTED: tab\\tand \xc3\xa9: sent "));
}

TEST_F(WireView, AClientStreamsReplyDataComesOnlyAfterTheClientsEndStream) {
  const auto frames = Frames({"collect", "Ada", "Grace", "Alan"});
  ASSERT_EQ(run_.exit_code, 0) << run_.err;
  std::optional<size_t> half_close, reply;
  std::vector<std::string> names;
  for (size_t i = 0; i < frames.size(); ++i) {
    const auto& frame = frames[i];
    if (frame["type"] != "DATA" || frame["stream"] != 1) continue;
    if (frame["dir"] == "sent") {
      for (const auto& message : frame["messages"]) names.push_back(message["message"]["name"]);
      if (HasFlag(frame, "END_STREAM")) half_close = i;
    } else if (!frame["messages"].empty() && !reply) {
      reply = i;
      EXPECT_EQ(frame["messages"][0]["message"]["count"], 3);
    }
  }
  EXPECT_THAT(names, ::testing::ElementsAre("Ada", "Grace", "Alan"));
  ASSERT_TRUE(half_close && reply) << run_.err;
  EXPECT_LT(*half_close, *reply);
}

TEST_F(WireView, EachStreamIsSummedUpAsItEnds) {
  const auto frames = Frames({"collect", "Ada", "Grace"});
  ASSERT_EQ(run_.exit_code, 0) << run_.err;
  std::vector<json> summaries;
  std::istringstream lines(run_.err);
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, false);
    if (!object.is_discarded() && object.value("event", "") == "stream ended") {
      summaries.push_back(object);
    }
  }
  ASSERT_EQ(summaries.size(), 1u) << run_.err;
  EXPECT_EQ(summaries[0]["stream"], 1);
  EXPECT_EQ(summaries[0]["method"], "/greet.Greeter/SayHelloClientStream");
  EXPECT_EQ(summaries[0]["ended"], "OK");
  EXPECT_EQ(summaries[0]["client_half_closed"], true);
  EXPECT_EQ(summaries[0]["sent"]["messages"], 2);
  EXPECT_EQ(summaries[0]["received"]["messages"], 1);
  // The flow-control windows, computed from the frames: the client's DATA took from its
  // window on the stream (the server's SETTINGS gave each stream its size).
  const json& client = summaries[0]["windows"]["client"];
  for (const char* key : {"stream", "stream_lowest", "connection", "connection_lowest"}) {
    EXPECT_TRUE(client.contains(key)) << key << " in " << summaries[0].dump();
  }
  // Exactly: the server's INITIAL_WINDOW_SIZE, less the client's DATA on the stream, plus the
  // server's WINDOW_UPDATEs for it.
  int64_t expected = -1;
  for (const auto& settings : Only(frames, "received", "SETTINGS", 0)) {
    if (!HasFlag(settings, "ACK")) expected = settings["settings"]["INITIAL_WINDOW_SIZE"];
  }
  ASSERT_GT(expected, 0) << "no INITIAL_WINDOW_SIZE from the server";
  for (const auto& data : Only(frames, "sent", "DATA", 1))
    expected -= data["length"].get<int64_t>();
  for (const auto& update : Only(frames, "received", "WINDOW_UPDATE", 1)) {
    expected += update["increment"].get<int64_t>();
  }
  EXPECT_EQ(client["stream"].get<int64_t>(), expected) << summaries[0].dump();
  EXPECT_LE(client["stream_lowest"].get<int64_t>(), client["stream"].get<int64_t>());
  EXPECT_TRUE(summaries[0]["windows"].contains("server"));
}

TEST_F(WireView, TheTextViewIsALinePerFrameWithTheCallDecoded) {
  const auto run =
      RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames", "hello", "A"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "Hello A\n");
  EXPECT_THAT(run.err, ::testing::HasSubstr("→ HEADERS stream=1 [END_HEADERS] len="));
  EXPECT_THAT(run.err, ::testing::HasSubstr("request headers: :path /greet.Greeter/SayHello, "
                                            ":authority " +
                                            server_.target() + ", :method POST"));
  EXPECT_THAT(run.err,
              ::testing::HasSubstr("greet.HelloRequest {name: \"A\"}, END_STREAM (half-close)"));
  EXPECT_THAT(run.err, ::testing::HasSubstr("greet.HelloReply {message: \"Hello A\"}"));
  EXPECT_THAT(run.err, ::testing::HasSubstr("trailers: grpc-status OK (0)"));
  EXPECT_THAT(run.err, ::testing::HasSubstr("── stream 1 /greet.Greeter/SayHello ended OK: sent "));
  EXPECT_EQ(run.err.find("\x1b["), std::string::npos);  // no colour into a pipe
}

TEST(WireViewAlone, AServerDrainingItsConnectionSendsGoawayAndTheCallInFlightStillEndsOk) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--drain", "10s"});
  const auto ready = server.ReadStdoutLine(10s);
  ASSERT_TRUE(ready) << server.stderr_text();
  const std::string target = ready->substr(ready->rfind(' ') + 1);
  ChildProcess client({GREETER_CLIENT_BIN, "--target", target, "--frames=json", "stream", "A",
                       "--count", "3", "--interval", "300ms"});
  ASSERT_EQ(client.ReadStdoutLine(5s), "Hello A (1 of 3)");
  server.Signal(SIGTERM);  // the drain: no new streams, the one in flight may finish
  EXPECT_EQ(client.Wait(10s), 0) << client.stderr_text();
  EXPECT_EQ(server.Wait(10s), 0);
  std::vector<json> goaways;
  bool ended_ok = false;
  std::istringstream lines(client.stderr_text());
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, false);
    if (object.is_discarded()) continue;
    if (object.value("type", "") == "GOAWAY" && object["dir"] == "received") {
      goaways.push_back(object);
    }
    if (object.value("event", "") == "stream ended") ended_ok = object["ended"] == "OK";
  }
  ASSERT_FALSE(goaways.empty()) << client.stderr_text();
  EXPECT_EQ(goaways.back()["error_code"], "NO_ERROR");
  EXPECT_TRUE(ended_ok) << client.stderr_text();
  EXPECT_EQ(client.stdout_text(), "Hello A (1 of 3)\nHello A (2 of 3)\nHello A (3 of 3)\n");
}

TEST(WireViewAlone, PingsAreToldApartAsBdpProbesAndKeepalives) {
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "127.0.0.1:0", "--keepalive-time", "1s"});
  const auto ready = server.ReadStdoutLine(10s);
  ASSERT_TRUE(ready) << server.stderr_text();
  const std::string target = ready->substr(ready->rfind(' ') + 1);
  // The server reads the request, then reads nothing while it waits 1.6 s between replies.
  const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", target, "--frames=json", "stream",
                               "A", "--count", "2", "--interval", "1600ms"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::multiset<std::string> purposes;  // of the PINGs the server sent
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, false);
    if (object.is_discarded() || object.value("type", "") != "PING") continue;
    if (object["dir"] == "received" && object["flags"].empty()) {
      purposes.insert(object.value("ping_purpose", "unknown"));
    }
  }
  EXPECT_GE(purposes.count("bdp_probe"), 1u) << run.err;  // on reading the request's DATA
  EXPECT_GE(purposes.count("keepalive"), 1u) << run.err;  // a second later
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
}

TEST(WireViewAlone, AUnixSocketTargetIsViewedLikeATcpOne) {
  const std::string path = "/tmp/greeter-wire-test-" + std::to_string(getpid()) + ".sock";
  ChildProcess server({GREETER_SERVER_BIN, "--listen", "unix:" + path});
  ASSERT_TRUE(server.ReadStdoutLine(10s)) << server.stderr_text();
  for (const std::string& target : {"unix:" + path, "unix://" + path}) {
    const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", target, "--frames", "hello", "A"});
    EXPECT_EQ(run.exit_code, 0) << target << ": " << run.err;
    EXPECT_EQ(run.out, "Hello A\n");
    EXPECT_THAT(run.err, ::testing::HasSubstr("greet.HelloReply {message: \"Hello A\"}")) << target;
    EXPECT_THAT(run.err, ::testing::HasSubstr(":authority localhost,")) << target;
  }
  const auto missing = RunProgram(
      {GREETER_CLIENT_BIN, "--target", "unix:" + path + ".nobody", "--frames", "hello", "A"});
  EXPECT_EQ(missing.exit_code, 64 + 14) << missing.err;  // UNAVAILABLE, as without the view
  EXPECT_THAT(missing.err, ::testing::HasSubstr("cannot connect to the target")) << missing.err;
  const auto too_long =
      RunProgram({GREETER_CLIENT_BIN, "--target", "unix:/tmp/" + std::string(120, 'x'), "--frames",
                  "hello", "A"});
  EXPECT_EQ(too_long.exit_code, 2) << too_long.err;  // refused before any connection, not a crash
  EXPECT_THAT(too_long.err, ::testing::HasSubstr("is 125 bytes; at most 107 fit")) << too_long.err;
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
}
// gRPC's own address lists (ipv4:A,B): the relay connects to the first that answers, and the
// server sees the :authority gRPC would send without it, the whole list.
TEST(WireViewAlone, AnIpv4AddressListTargetIsViewedConnectingToTheFirstThatAnswers) {
  TestServer server;
  const std::string target =
      "ipv4:127.0.0.1:" + std::to_string(UnusedPort()) + "," + server.target();
  const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", target, "--frames", "hello", "A"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "Hello A\n");
  EXPECT_THAT(run.err, ::testing::HasSubstr(":authority " + target.substr(5) + ","));
  const auto refused =
      RunProgram({GREETER_CLIENT_BIN, "--target", "ipv4:localhost:1", "--frames", "hello", "A"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, ::testing::HasSubstr("--frames: localhost:1 in the target is not an "
                                                "IP address and port"));
}

TEST(WireViewAlone, AHundredThousandPaddedRepliesPassWithTheClientsMemoryFlat) {
  ServerLimits limits;
  limits.max_count = 100'000;
  TestServer server(limits);
  const auto run =
      RunProgram({GREETER_CLIENT_BIN, "--target", server.target(), "--frames", "--padding", "1000",
                  "stream", "A", "--count", "100000", "--interval", "0"},
                 "", 60s);
  ASSERT_EQ(run.exit_code, 0) << run.err.substr(run.err.size() -
                                                std::min<size_t>(run.err.size(), 2000));
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 100'000);
  EXPECT_NE(run.out.find("Hello A (100000 of 100000)"), std::string::npos);
  EXPECT_NE(run.err.find("ended OK: sent "), std::string::npos);
  EXPECT_NE(run.err.find(" 100000 messages, "), std::string::npos);  // however many frames
  // About 100 MB passed through the relay; the client's peak stays that of a client without
  // the view (20 MiB here) plus a little: nothing is queued.
  rusage children{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &children), 0);
  EXPECT_LT(children.ru_maxrss, 64 * 1024) << "peak resident KiB";  // Linux counts KiB
}

// A server stream whose frame lines (one per DATA, about 100 bytes each) are some 3 MB: more
// than a pipe (64 KiB) and the client's queue of frame lines (1 MiB) hold.
class WireViewOfALongStream : public ::testing::Test {
 protected:
  static ServerLimits Limits() {
    ServerLimits limits;
    limits.max_count = 30'000;
    return limits;
  }
  std::vector<std::string> Args() const {
    return {GREETER_CLIENT_BIN, "--target", server_.target(), "--frames", "stream", "A",
            "--count",          "30000",    "--interval",     "0"};
  }
  TestServer server_{Limits()};
};

TEST_F(WireViewOfALongStream, ACallWhoseStderrNobodyReadsStillCompletes) {
  ChildProcess client(Args());
  client.CloseStdin();
  client.LeaveStderrUnread();
  // The frame view waits for stderr on a thread of its own, never on the relay's: the call
  // runs to its end and the client exits (after at most a second for what it could not write).
  EXPECT_EQ(client.Wait(30s), 0);
  EXPECT_EQ(std::count(client.stdout_text().begin(), client.stdout_text().end(), '\n'), 30'000);
}

TEST_F(WireViewOfALongStream, FrameLinesDroppedForAStalledStderrAreCountedOnceItIsReadAgain) {
  ChildProcess client(Args());
  client.CloseStdin();
  client.LeaveStderrUnread();
  for (auto line = client.ReadStdoutLine(30s); line != "Hello A (30000 of 30000)";
       line = client.ReadStdoutLine(30s)) {
    ASSERT_TRUE(line) << "the stream did not end";
  }
  client.ReadStderr();  // the client is now flushing its frame lines, for up to a second
  ASSERT_EQ(client.Wait(15s), 0);
  const std::string& err = client.stderr_text();
  EXPECT_THAT(err, ::testing::ContainsRegex("\ngreeter-client: --frames: [0-9]+ lines dropped "
                                            "\\(stderr was not read fast enough\\)\n"));
  // Lines are dropped whole: every line is a frame line, a summary or the notice.
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.starts_with("t=") || line.starts_with("greeter-client: --frames: ")) << line;
  }
  // The first lines, written before stderr stalled, are the connection's start.
  EXPECT_TRUE(err.starts_with("t=0.0ms connection 1 to ")) << err.substr(0, 200);
}

TEST_F(WireView, TheInteractiveClientTurnsTheViewOffAndOnAndShowsItInStatus) {
  const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames=json"},
                              "hello A\nframes off\nhello B\nstatus\nframes on\nhello C\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Hello A\nframes off\nHello B\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("frames      off (frames on shows them)"), std::string::npos) << run.out;
  // channelz finds the channel, which goes to the relay, and status says so.
  EXPECT_EQ(run.out.find("channelz has no record"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  wire view   on: the channel connects to 127.0.0.1:"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("the --frames relay, which carries every byte to " + server_.target()),
            std::string::npos)
      << run.out;
  std::vector<std::string> names;
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, false);
    if (object.is_discarded() || object.value("type", "") != "DATA" || object["dir"] != "sent") {
      continue;
    }
    for (const auto& message : object["messages"]) names.push_back(message["message"]["name"]);
  }
  EXPECT_THAT(names, ::testing::ElementsAre("A", "C"));  // B went while the view was off
}

TEST_F(WireView, TheInteractiveTourTogetherSharesTheConnectionWithOverlappingStreams) {
  const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames=json"},
                              "tour --together Ada\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("All four calls shared one connection"), std::string::npos) << run.out;
  const auto calls = server_.WaitForCalls(4);
  ASSERT_EQ(calls.size(), 4u);
  // Finished in order of length, not of start: the server stream (200 ms) last.
  EXPECT_EQ(calls.back().method, "SayHelloServerStream");

  // On the wire, what a learner checks: the four shapes, each its own stream, all on the
  // session's one connection, at once.
  std::map<std::string, uint32_t> stream_of;  // method -> stream id
  std::set<int> connections;
  size_t requests_begun = 0, begun_when_server_stream_ended = 0;
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    const json object = json::parse(line, nullptr, false);
    if (object.is_discarded()) continue;
    connections.insert(object["connection"].get<int>());
    if (object.value("type", "") == "HEADERS" && object["dir"] == "sent" &&
        object["role"] == "request headers") {
      stream_of[Header(object, ":path")] = object["stream"];
      ++requests_begun;
    }
    if (object.value("event", "") == "stream ended" &&
        object["method"] == "/greet.Greeter/SayHelloServerStream") {
      begun_when_server_stream_ended = requests_begun;
    }
  }
  EXPECT_THAT(stream_of,
              ::testing::UnorderedElementsAre(::testing::Key("/greet.Greeter/SayHello"),
                                              ::testing::Key("/greet.Greeter/SayHelloServerStream"),
                                              ::testing::Key("/greet.Greeter/SayHelloClientStream"),
                                              ::testing::Key("/greet.Greeter/SayHelloBidiStream")))
      << run.err;
  std::set<uint32_t> ids;
  for (const auto& [method, stream] : stream_of) ids.insert(stream);
  EXPECT_EQ(ids, (std::set<uint32_t>{1, 3, 5, 7})) << run.err;
  EXPECT_EQ(connections, std::set<int>{1}) << run.err;
  // Multiplexed: the server stream (200 ms) was still open when the last call began.
  EXPECT_EQ(begun_when_server_stream_ended, 4u) << run.err;
}

TEST_F(WireView, TheStatusCommandNamesTheTargetAndTheRelay) {
  const auto run = RunProgram(
      {GREETER_CLIENT_BIN, "--target", "127.0.0.1:1", "--frames", "--deadline", "300ms", "status"});
  EXPECT_EQ(run.exit_code, 64 + 14) << run.err;
  EXPECT_NE(run.err.find("greeter-client: UNAVAILABLE: cannot connect to 127.0.0.1:1 within"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("cannot connect to the target: Connection refused"), std::string::npos)
      << run.err;
  EXPECT_NE(run.out.find("which carries every byte to 127.0.0.1:1"), std::string::npos) << run.out;
}

TEST_F(WireView, StatusShowsTheConnectionsFlowControlWindowsFromTheFrames) {
  const auto text = RunProgram(
      {GREETER_CLIENT_BIN, "--target", server_.target(), "--frames", "--status", "hello", "A"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  // gRPC 1.51's channelz leaves the windows out; the view computes them.
  EXPECT_THAT(text.out, ::testing::ContainsRegex(
                            "windows +local [0-9]+ bytes \\(what this client may still send\\), "
                            "remote [0-9]+ bytes \\(what the server may\\)"))
      << text.out;
  EXPECT_THAT(text.out, ::testing::HasSubstr("the windows above are computed from its frames"));

  const auto as_json = RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames",
                                   "--json", "--status", "hello", "A"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const size_t last_line = as_json.out.rfind('\n', as_json.out.size() - 2);
  ASSERT_NE(last_line, std::string::npos) << as_json.out;
  const json status = json::parse(as_json.out.substr(last_line + 1), nullptr, false);
  ASSERT_FALSE(status.is_discarded()) << as_json.out;
  const auto& socket = status["channel"]["subchannels"][0]["sockets"][0];
  // Each side's connection window: the 65,535 every connection starts with, plus the other
  // side's WINDOW_UPDATE on stream 0 (some 4 MB), less the call's few bytes of DATA.
  EXPECT_GT(socket["local_flow_control_window"].get<int64_t>(), 65535) << as_json.out;
  EXPECT_GT(socket["remote_flow_control_window"].get<int64_t>(), 65535) << as_json.out;
}

TEST_F(WireView, FramesOnWithoutTheViewSaysHowToStartIt) {
  const auto run =
      RunProgram({GREETER_CLIENT_BIN, "--target", server_.target()}, "frames on\nstatus\n");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.out.find("frames on: the wire view is not running: start greeter-client with "
                         "--frames (the view must carry the connection from its first byte)\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("frames      off (start the client with --frames)"), std::string::npos)
      << run.out;
}

TEST_F(WireView, TheSequenceDiagramIsMermaidWithAnArrowPerFrameColouredPerStream) {
  const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames=mermaid",
                               "--fail", "ABORTED:no; #1", "hello", "A"});
  EXPECT_EQ(run.exit_code, 64 + 10) << run.err;
  EXPECT_TRUE(
      run.err.starts_with("sequenceDiagram\n    participant C as client\n    participant S "
                          "as server\n"))
      << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr("    C->>S: PREFACE\n"));
  EXPECT_THAT(run.err,
              ::testing::HasSubstr("    rect rgb(219, 234, 254)\n"
                                   "    C->>S: HEADERS stream 1 [END_HEADERS] request headers "
                                   "/greet.Greeter/SayHello\n"
                                   "    end\n"));
  EXPECT_THAT(run.err, ::testing::HasSubstr(
                           "C->>S: DATA stream 1 [END_STREAM] greet.HelloRequest {name: \"A\""));
  // Mermaid ends a statement at ';' and reads '#' as an entity: the message keeps both, coded.
  EXPECT_THAT(run.err, ::testing::HasSubstr("S->>C: HEADERS stream 1 [END_STREAM|END_HEADERS] "
                                            "trailers-only response ABORTED no#59; #35;1\n"));
  EXPECT_THAT(run.err, ::testing::HasSubstr("Note over C,S: stream 1 ended ABORTED"));
}

TEST_F(WireView, WithTheViewOffNothingIsPrintedOnStderr) {
  const auto run = RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "hello", "A"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.err, "");
}

TEST_F(WireView, AFormatOtherThanTextOrJsonIsRefused) {
  const auto run =
      RunProgram({GREETER_CLIENT_BIN, "--target", server_.target(), "--frames=xml", "hello", "A"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "greeter-client: --frames: text, json or mermaid, got xml\n");
}

}  // namespace
}  // namespace greeter::testing

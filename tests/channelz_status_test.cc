// `status`: the client's one channel as gRPC's channelz sees it, read in the client's process.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "client/channelz_reader.h"
#include "client/channelz_report.h"
#include "client/one_shot_commands.h"
#include "client/status_command.h"
#include "client/unary_call.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

// The channel's one socket; nothing unless it has exactly one subchannel with one socket.
std::optional<ChannelzSocket> OnlySocket(const ChannelzChannel& channel) {
  if (channel.subchannels.size() != 1 || channel.subchannels[0].sockets.size() != 1) {
    return std::nullopt;
  }
  return channel.subchannels[0].sockets[0];
}

// What a one-shot command needs, on a fresh channel to `server`; replies go to `out`.
struct OneShotClient {
  explicit OneShotClient(const TestServer& server, CallSettings settings = {})
      : stub(greet::Greeter::NewStub(server.NewChannel())),
        env{*stub, std::move(settings), printer, no_input} {}

  std::unique_ptr<greet::Greeter::Stub> stub;
  std::ostringstream out;
  ReplyPrinter printer{out, false};
  std::istringstream no_input;
  CommandEnvironment env;
};

TEST(ChannelzStatus, AfterATourTheOneSocketShowsExactlyTheTourStreams) {
  TestServer server;
  OneShotClient client(server);
  ASSERT_TRUE(RunTour(client.env, "Alice").ok()) << client.out.str();

  const auto channel = ReadChannelz(server.target());
  ASSERT_TRUE(channel.has_value());
  EXPECT_EQ(channel->state, "READY");
  EXPECT_EQ(channel->calls.started, 4u);
  EXPECT_EQ(channel->calls.succeeded, 4u);
  EXPECT_EQ(channel->calls.failed, 0u);
  ASSERT_EQ(channel->subchannels.size(), 1u);
  EXPECT_EQ(channel->subchannels[0].target, "ipv4:" + server.target());
  EXPECT_EQ(channel->subchannels[0].state, "READY");

  // The four calls were four streams on this one socket: requests 1 + 1 + 3 + 3, replies
  // 1 + 3 + 1 + 3.
  const auto only_socket = OnlySocket(*channel);
  ASSERT_TRUE(only_socket.has_value()) << ChannelzText(*channel);
  const ChannelzSocket& socket = *only_socket;
  EXPECT_EQ(socket.streams_started, 4u);
  EXPECT_EQ(socket.streams_succeeded, 4u);
  EXPECT_EQ(socket.streams_failed, 0u);
  EXPECT_EQ(socket.messages_sent, 8u);
  EXPECT_EQ(socket.messages_received, 8u);
  EXPECT_EQ(socket.remote, server.target());
  // And it is the connection the server saw every call come from.
  for (const auto& call : server.WaitForCalls(4)) EXPECT_EQ(call.peer, "ipv4:" + socket.local);

  const std::string text = ChannelzText(*channel);
  EXPECT_NE(text.find("  streams     4 started, 4 succeeded, 0 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("  messages    8 sent, 8 received"), std::string::npos) << text;
  EXPECT_NE(text.find("All 4 calls shared this one connection, each on its own HTTP/2 stream."),
            std::string::npos)
      << text;
}

TEST(ChannelzStatus, ACancelledCallIsAFailedStream) {
  TestServer server;
  auto stub = greet::Greeter::NewStub(server.NewChannel());
  CallSettings settings;
  auto request = NamedRequest("Slow");
  request.set_first_reply_delay_ms(10'000);
  std::promise<grpc::Status> done;
  auto call = UnaryCall::Start(*stub, settings, request,
                               {[](const greet::HelloReply&) {},
                                [&done](const grpc::Status& status) { done.set_value(status); }});
  server.WaitForCallsStarted(1);
  call->Cancel();
  auto finished = done.get_future();
  ASSERT_EQ(finished.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(finished.get().error_code(), grpc::StatusCode::CANCELLED);
  call.reset();  // its ClientContext holds the stream until the call object goes

  const auto channel = ReadChannelz(server.target());
  ASSERT_TRUE(channel.has_value());
  EXPECT_EQ(channel->calls.failed, 1u);
  const auto socket = OnlySocket(*channel);
  ASSERT_TRUE(socket.has_value()) << ChannelzText(*channel);
  EXPECT_EQ(socket->streams_started, 1u);
  EXPECT_EQ(socket->streams_failed, 1u);
  EXPECT_EQ(socket->streams_succeeded, 0u);
}

TEST(ChannelzStatus, ACallTheServerFailsIsAFailedCallOnASucceededStream) {
  TestServer server;
  CallSettings settings;
  settings.knobs.mutable_fail()->set_code(grpc::StatusCode::NOT_FOUND);
  OneShotClient client(server, settings);
  EXPECT_EQ(RunHello(client.env, "Alice").error_code(), grpc::StatusCode::NOT_FOUND);

  // The status came in the server's trailers, which end the HTTP/2 stream properly.
  const auto channel = ReadChannelz(server.target());
  ASSERT_TRUE(channel.has_value());
  EXPECT_EQ(channel->calls.failed, 1u);
  const auto socket = OnlySocket(*channel);
  ASSERT_TRUE(socket.has_value()) << ChannelzText(*channel);
  EXPECT_EQ(socket->streams_succeeded, 1u);
  EXPECT_EQ(socket->streams_failed, 0u);
}

TEST(ChannelzStatus, StatusConnectsAndShowsAnUnusedConnection) {
  TestServer server;
  auto channel = server.NewChannel();
  std::ostringstream out, err;
  EXPECT_EQ(RunStatus(*channel, server.target(), false, 5s, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("  streams     0 started, 0 succeeded, 0 failed"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("One connection is open; no call has used it yet."), std::string::npos)
      << out.str();
  EXPECT_EQ(err.str(), "");
}

TEST(ChannelzStatus, StatusOfAnUnreachableServerSaysSoAndExitsUnavailable) {
  const std::string target = "127.0.0.1:" + std::to_string(UnusedPort());
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  std::ostringstream out, err;
  EXPECT_EQ(RunStatus(*channel, target, false, 300ms, out, err),
            64 + grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(out.str().find("No connection is open: the channel is TRANSIENT_FAILURE."),
            std::string::npos)
      << out.str();
  EXPECT_EQ(err.str(),
            "greeter-client: UNAVAILABLE: cannot connect to " + target + " within 300ms\n");
}

TEST(ChannelzStatus, JsonHasEveryCounterForScripts) {
  TestServer server;
  auto channel = server.NewChannel();
  std::ostringstream out, err;
  ASSERT_EQ(RunStatus(*channel, server.target(), true, 5s, out, err), 0) << err.str();
  const auto json = nlohmann::json::parse(out.str());
  const auto& reported = json.at("channel");
  EXPECT_EQ(reported.at("target"), server.target());
  EXPECT_EQ(reported.at("state"), "READY");
  ASSERT_EQ(reported.at("subchannels").size(), 1u);
  ASSERT_EQ(reported.at("subchannels")[0].at("sockets").size(), 1u);
  const auto& socket = reported.at("subchannels")[0].at("sockets")[0];
  for (const char* counter : {"streams_started", "streams_succeeded", "streams_failed",
                              "messages_sent", "messages_received", "keepalives_sent"}) {
    EXPECT_EQ(socket.at(counter), 0) << counter;
  }
  EXPECT_EQ(socket.at("remote"), server.target());
  // Not reported by gRPC C++ 1.51: absent rather than a made-up 0.
  EXPECT_FALSE(socket.contains("local_flow_control_window"));
}

}  // namespace
}  // namespace greeter::testing

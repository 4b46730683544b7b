// All four call shapes on one channel are four HTTP/2 streams on one connection.

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "client/bidi_call.h"
#include "client/client_stream_call.h"
#include "client/server_stream_call.h"
#include "client/unary_call.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

// Collects one call's replies and waits for its end.
struct Outcome {
  std::mutex mutex;
  std::vector<greet::HelloReply> replies;
  std::promise<grpc::Status> done;

  CallHandlers Handlers() {
    return {[this](const greet::HelloReply& reply) {
              std::lock_guard lock(mutex);
              replies.push_back(reply);
            },
            [this](const grpc::Status& status) { done.set_value(status); }};
  }
  grpc::Status Wait() {
    auto finished = done.get_future();
    if (finished.wait_for(10s) != std::future_status::ready) {
      return {grpc::StatusCode::DEADLINE_EXCEEDED, "test gave up waiting"};
    }
    return finished.get();
  }
};

greet::HelloRequest WithCallInfo(const std::string& name) {
  auto request = NamedRequest(name);
  request.set_include_call_info(true);
  return request;
}

TEST(OneChannel, FourShapesAreFourStreamsOnOneConnection) {
  TestServer server;
  auto stub = greet::Greeter::NewStub(server.NewChannel());
  CallSettings settings;
  settings.deadline = 10s;

  Outcome unary, server_stream, client_stream, bidi;
  UnaryCall::Start(*stub, settings, WithCallInfo("Alice"), unary.Handlers());
  ASSERT_TRUE(unary.Wait().ok());
  ServerStreamCall::Start(*stub, settings, WithCallInfo("Alice"), server_stream.Handlers());
  ASSERT_TRUE(server_stream.Wait().ok());
  auto collect = ClientStreamCall::Start(*stub, settings, client_stream.Handlers());
  collect->Send(WithCallInfo("Alice"));
  collect->Send(WithCallInfo("Bob"));
  collect->Close();
  ASSERT_TRUE(client_stream.Wait().ok());
  auto chat = BidiCall::Start(*stub, settings, bidi.Handlers());
  chat->Send(WithCallInfo("Alice"));
  chat->Send(WithCallInfo("Bob"));
  chat->Close();
  ASSERT_TRUE(bidi.Wait().ok());

  // The server finished four calls, one of each method, all from the same peer address:
  // the same client port, so the same TCP connection, carrying one HTTP/2 stream per call.
  const auto calls = server.WaitForCalls(4);
  ASSERT_EQ(calls.size(), 4u);
  std::set<std::string> methods, peers;
  for (const auto& call : calls) {
    methods.insert(call.method);
    peers.insert(call.peer);
  }
  EXPECT_EQ(methods, (std::set<std::string>{"SayHello", "SayHelloServerStream",
                                            "SayHelloClientStream", "SayHelloBidiStream"}));
  EXPECT_EQ(peers.size(), 1u);

  // And every reply tells the client the same.
  for (auto* outcome : {&unary, &server_stream, &client_stream, &bidi}) {
    ASSERT_FALSE(outcome->replies.empty());
    for (const auto& reply : outcome->replies) EXPECT_EQ(reply.call().peer(), *peers.begin());
  }
  EXPECT_EQ(server_stream.replies.size(), 3u);
  EXPECT_EQ(bidi.replies.size(), 2u);
  EXPECT_EQ(client_stream.replies.at(0).message(), "Hello Alice and Bob");
}

TEST(OneChannel, ConcurrentCallsOfEveryShapeDoNotInterfere) {
  TestServer server;
  auto stub = greet::Greeter::NewStub(server.NewChannel());
  constexpr size_t kEach = 20;
  std::vector<std::unique_ptr<Outcome>> streams, chats;
  std::vector<std::shared_ptr<BidiCall>> open_chats;
  for (size_t i = 0; i < kEach; ++i) {
    auto request = NamedRequest("s" + std::to_string(i));
    request.set_count(5);
    request.set_interval_ms(1);
    streams.push_back(std::make_unique<Outcome>());
    ServerStreamCall::Start(*stub, {}, request, streams.back()->Handlers());
    chats.push_back(std::make_unique<Outcome>());
    open_chats.push_back(BidiCall::Start(*stub, {}, chats.back()->Handlers()));
    open_chats.back()->Send(NamedRequest("c" + std::to_string(i)));
  }
  for (auto& chat : open_chats) chat->Close();
  for (size_t i = 0; i < kEach; ++i) {
    ASSERT_TRUE(streams[i]->Wait().ok());
    ASSERT_TRUE(chats[i]->Wait().ok());
    ASSERT_EQ(streams[i]->replies.size(), 5u);
    EXPECT_EQ(streams[i]->replies[4].message(), "Hello s" + std::to_string(i) + " (5 of 5)");
    ASSERT_EQ(chats[i]->replies.size(), 1u);
    EXPECT_EQ(chats[i]->replies[0].message(), "Hello c" + std::to_string(i));
  }
}

}  // namespace
}  // namespace greeter::testing

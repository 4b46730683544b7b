// The server's connection limits, seen from a client on one channel.

#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

TEST(ConnectionOptions, MaxConcurrentStreamsQueuesTheNextCallUntilOneEnds) {
  ConnectionOptions one_call_at_a_time;
  one_call_at_a_time.max_concurrent_streams = 1;
  TestServer server(one_call_at_a_time);
  auto stub = server.NewStub();

  // One long stream holds the connection's only slot (its first reply shows the client has
  // the server's SETTINGS with the limit).
  grpc::ClientContext stream_context;
  auto request = NamedRequest("Alice");
  request.set_count(100);
  request.set_interval_ms(10'000);
  auto stream = stub->SayHelloServerStream(&stream_context, request);
  greet::HelloReply reply;
  ASSERT_TRUE(stream->Read(&reply));

  // A second call on the same connection waits for a slot: it never reaches the server.
  {
    grpc::ClientContext context;
    context.set_deadline(In(300ms));
    EXPECT_EQ(stub->SayHello(&context, NamedRequest("Bob"), &reply).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }

  stream_context.TryCancel();
  stream->Finish();
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  ASSERT_TRUE(stub->SayHello(&context, NamedRequest("Carol"), &reply).ok());
  EXPECT_EQ(reply.message(), "Hello Carol");
  // The server saw the stream and Carol, and never Bob: he ended (by his deadline) before
  // Carol began, so a call of his would have been recorded by now.
  const auto calls = server.WaitForCalls(2);
  std::vector<std::string> methods;
  for (const auto& call : calls) methods.push_back(call.method);
  EXPECT_THAT(methods, ::testing::UnorderedElementsAre("SayHelloServerStream", "SayHello"));
}

}  // namespace
}  // namespace greeter::testing

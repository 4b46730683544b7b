// SayHello, the seed's unary call: replies, validation, and what the server logs.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

grpc::Status SayHello(greet::Greeter::Stub& stub, const std::string& name,
                      greet::HelloReply& reply) {
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  return stub.SayHello(&context, NamedRequest(name), &reply);
}

TEST(Unary, RepliesHelloAndTheName) {
  TestServer server;
  greet::HelloReply reply;
  ASSERT_TRUE(SayHello(*server.NewStub(), "Alice", reply).ok());
  EXPECT_EQ(reply.message(), "Hello Alice");
  EXPECT_EQ(reply.sequence(), 0u);
  EXPECT_FALSE(reply.has_call());
}

TEST(Unary, NonAsciiNamesRoundTripByteForByte) {
  TestServer server;
  greet::HelloReply reply;
  ASSERT_TRUE(SayHello(*server.NewStub(), "Zoë 世界 👋", reply).ok());
  EXPECT_EQ(reply.message(), "Hello Zoë 世界 👋");
}

TEST(Unary, EmptyNameIsInvalidArgumentNamingFieldAndLimit) {
  TestServer server;
  greet::HelloReply reply;
  const auto status = SayHello(*server.NewStub(), "", reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "name: must be 1 to 256 bytes of UTF-8, got 0");
}

TEST(Unary, NameLimitCountsUtf8BytesNotCharacters) {
  TestServer server;
  auto stub = server.NewStub();
  greet::HelloReply reply;
  EXPECT_TRUE(SayHello(*stub, std::string(256, 'a'), reply).ok());
  std::string umlauts;
  for (int i = 0; i < 129; ++i) umlauts += "ü";  // 129 characters, 258 bytes
  const auto status = SayHello(*stub, umlauts, reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "name: must be 1 to 256 bytes of UTF-8, got 258");
}

TEST(Unary, NameLimitIsTheServersFlag) {
  ServerLimits limits;
  limits.max_name_bytes = 5;
  TestServer server(limits);
  greet::HelloReply reply;
  const auto status = SayHello(*server.NewStub(), "Alexander", reply);
  EXPECT_EQ(status.error_message(), "name: must be 1 to 5 bytes of UTF-8, got 9");
}

TEST(Unary, OversizedMessageIsResourceExhaustedBeforeItReachesTheService) {
  TestServer server;
  greet::HelloReply reply;
  const auto status = SayHello(*server.NewStub(), std::string(10'000, 'a'), reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("4096"), std::string::npos) << status.error_message();
}

TEST(Unary, ServerKeepsServingAfterEveryKindOfRefusal) {
  TestServer server;
  auto stub = server.NewStub();
  greet::HelloReply reply;
  EXPECT_FALSE(SayHello(*stub, "", reply).ok());
  EXPECT_FALSE(SayHello(*stub, std::string(10'000, 'a'), reply).ok());
  ASSERT_TRUE(SayHello(*stub, "Bob", reply).ok());
  EXPECT_EQ(reply.message(), "Hello Bob");
}

TEST(Unary, IncludeCallInfoReportsThePeerTheServerSaw) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto request = NamedRequest("Alice");
  request.set_include_call_info(true);
  greet::HelloReply reply;
  ASSERT_TRUE(stub->SayHello(&context, request, &reply).ok());
  EXPECT_EQ(reply.call().peer(), server.WaitForCall().peer);
  EXPECT_TRUE(reply.call().client_half_closed());
}

TEST(Unary, EachCallIsLoggedWithMethodPeerStatusAndMessageCounts) {
  TestServer server;
  greet::HelloReply reply;
  ASSERT_TRUE(SayHello(*server.NewStub(), "Alice", reply).ok());
  const CallRecord call = server.WaitForCall();
  EXPECT_EQ(call.method, "SayHello");
  EXPECT_EQ(call.peer.rfind("ipv4:127.0.0.1:", 0), 0u) << call.peer;
  EXPECT_EQ(call.code, grpc::StatusCode::OK);
  EXPECT_EQ(call.messages_in, 1u);
  EXPECT_EQ(call.messages_out, 1u);
}

TEST(Unary, ADelayedReplyCancelledWhileWaitingIsLoggedAsNeverSent) {
  TestServer server;
  auto stub = server.NewStub();
  auto request = NamedRequest("Slow");
  request.set_first_reply_delay_ms(10'000);
  grpc::ClientContext context;
  greet::HelloReply reply;
  grpc::Status status;
  std::thread call([&] { status = stub->SayHello(&context, request, &reply); });
  server.WaitForCallsStarted(1);
  context.TryCancel();
  call.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  const auto record = server.WaitForCall();
  EXPECT_EQ(record.code, grpc::StatusCode::CANCELLED);
  EXPECT_EQ(record.messages_out, 0u);  // the reply never left: the delay was cut short
}

TEST(Unary, ADelayedReplyCountsOnceItIsSent) {
  TestServer server;
  auto request = NamedRequest("Late");
  request.set_first_reply_delay_ms(50);
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  greet::HelloReply reply;
  ASSERT_TRUE(server.NewStub()->SayHello(&context, request, &reply).ok());
  EXPECT_EQ(reply.message(), "Hello Late");
  const auto record = server.WaitForCall();
  EXPECT_EQ(record.code, grpc::StatusCode::OK);
  EXPECT_EQ(record.messages_out, 1u);
}

}  // namespace
}  // namespace greeter::testing

// SayHelloBidiStream: answers as requests arrive, after the half-close, under backpressure,
// and ends cleanly on refusal, cancellation and deadline.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

TEST(BidiStream, AnswersEachRequestBeforeTheNextIsSent) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  auto stream = stub->SayHelloBidiStream(&context);
  greet::HelloReply reply;
  for (uint32_t i = 1; i <= 3; ++i) {  // ping-pong: each reply arrives while the stream is open
    const std::string name = "guest " + std::to_string(i);
    ASSERT_TRUE(stream->Write(NamedRequest(name)));
    ASSERT_TRUE(stream->Read(&reply));
    EXPECT_EQ(reply.message(), "Hello " + name);
    EXPECT_EQ(reply.sequence(), i);
  }
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(BidiStream, KeepsAnsweringAfterTheClientHalfCloses) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  auto stream = stub->SayHelloBidiStream(&context);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(stream->Write(NamedRequest(std::to_string(i))));
  ASSERT_TRUE(stream->WritesDone());  // nothing has been read yet
  greet::HelloReply reply;
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(stream->Read(&reply));
    EXPECT_EQ(reply.message(), "Hello " + std::to_string(i));
  }
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
  const auto call = server.WaitForCall();
  EXPECT_EQ(call.messages_in, 10u);
  EXPECT_EQ(call.messages_out, 10u);
}

TEST(BidiStream, HalfCloseIsVisibleInTheServersViewOfTheCall) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->SayHelloBidiStream(&context);
  auto request = NamedRequest("Alice");
  request.set_include_call_info(true);
  greet::HelloReply reply;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&reply));
  EXPECT_FALSE(reply.call().client_half_closed());
  EXPECT_EQ(reply.call().peer().rfind("ipv4:127.0.0.1:", 0), 0u);
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(BidiStream, AFastWriterThatReadsLateLosesNothingAndStaysInOrder) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(30s));
  auto stream = stub->SayHelloBidiStream(&context);
  constexpr int kRequests = 5000;  // far more than the server queues: flow control must hold
  std::thread writer([&] {
    for (int i = 0; i < kRequests; ++i) {
      if (!stream->Write(NamedRequest(std::to_string(i)))) return;
    }
    stream->WritesDone();
  });
  greet::HelloReply reply;
  int received = 0;
  while (stream->Read(&reply)) {
    EXPECT_EQ(reply.message(), "Hello " + std::to_string(received));
    EXPECT_EQ(reply.sequence(), static_cast<uint32_t>(received + 1));
    ++received;
  }
  writer.join();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(received, kRequests);
}

TEST(BidiStream, BadRequestEndsTheCallAfterDeliveringEveryEarlierReply) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  auto stream = stub->SayHelloBidiStream(&context);
  ASSERT_TRUE(stream->Write(NamedRequest("Alice")));
  ASSERT_TRUE(stream->Write(NamedRequest("Bob")));
  stream->Write(NamedRequest(""));
  std::vector<std::string> messages;
  for (greet::HelloReply reply; stream->Read(&reply);) messages.push_back(reply.message());
  const auto status = stream->Finish();
  EXPECT_EQ(messages, (std::vector<std::string>{"Hello Alice", "Hello Bob"}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "request 3: name: must be 1 to 256 bytes of UTF-8, got 0");
}

TEST(BidiStream, AFailureAskedForAfterMoreRepliesThanTheCallSentIsRefusedAtTheHalfClose) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  auto stream = stub->SayHelloBidiStream(&context);
  auto first = NamedRequest("A");
  first.mutable_fail()->set_code(grpc::StatusCode::ABORTED);
  first.mutable_fail()->set_after_replies(9);
  ASSERT_TRUE(stream->Write(first));
  for (const char* name : {"B", "C"}) ASSERT_TRUE(stream->Write(NamedRequest(name)));
  ASSERT_TRUE(stream->WritesDone());
  greet::HelloReply reply;
  int replies = 0;
  while (stream->Read(&reply)) ++replies;
  EXPECT_EQ(replies, 3);
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "fail.after_replies: the client half-closed after 3 replies, before the 9 asked for");
}

TEST(BidiStream, CancelMidStreamIsSeenByTheServer) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->SayHelloBidiStream(&context);
  greet::HelloReply reply;
  ASSERT_TRUE(stream->Write(NamedRequest("Alice")));
  ASSERT_TRUE(stream->Read(&reply));
  context.TryCancel();
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  const auto call = server.WaitForCall();
  EXPECT_EQ(call.code, grpc::StatusCode::CANCELLED);
  EXPECT_EQ(call.messages_out, 1u);
}

TEST(BidiStream, DeadlineExceededOnAnOpenStreamEndsItOnBothSides) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(200ms));
  auto stream = stub->SayHelloBidiStream(&context);
  ASSERT_TRUE(stream->Write(NamedRequest("Alice")));
  greet::HelloReply reply;
  EXPECT_TRUE(stream->Read(&reply));
  EXPECT_FALSE(stream->Read(&reply));  // open, silent, until the deadline
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(EndedByClientDeadline(server.WaitForCall().code));
}

}  // namespace
}  // namespace greeter::testing

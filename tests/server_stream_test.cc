// SayHelloServerStream: counts, order, spacing on the server's timer, cancellation, deadlines.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

struct StreamResult {
  std::vector<greet::HelloReply> replies;
  grpc::Status status;
};

StreamResult ReadWholeStream(greet::Greeter::Stub& stub, const greet::HelloRequest& request,
                             std::chrono::milliseconds deadline = 10s) {
  grpc::ClientContext context;
  context.set_deadline(In(deadline));
  StreamResult result;
  auto reader = stub.SayHelloServerStream(&context, request);
  for (greet::HelloReply reply; reader->Read(&reply);) result.replies.push_back(reply);
  result.status = reader->Finish();
  return result;
}

greet::HelloRequest StreamRequest(const std::string& name, uint32_t count, uint32_t interval_ms) {
  auto request = NamedRequest(name);
  request.set_count(count);
  request.set_interval_ms(interval_ms);
  return request;
}

TEST(ServerStream, SendsCountRepliesInOrderNumberedFromOne) {
  TestServer server;
  const auto result = ReadWholeStream(*server.NewStub(), StreamRequest("Alice", 5, 0));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.replies.size(), 5u);
  for (uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(result.replies[i].sequence(), i + 1);
    EXPECT_EQ(result.replies[i].message(), "Hello Alice (" + std::to_string(i + 1) + " of 5)");
  }
  const auto call = server.WaitForCall();
  EXPECT_EQ(call.messages_in, 1u);
  EXPECT_EQ(call.messages_out, 5u);
}

TEST(ServerStream, AbsentCountAndIntervalMeanThreeRepliesATenthOfASecondApart) {
  TestServer server;
  const auto start = std::chrono::steady_clock::now();
  const auto result = ReadWholeStream(*server.NewStub(), NamedRequest("Alice"));
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.replies.size(), 3u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);  // two gaps between three replies
}

TEST(ServerStream, CountZeroIsAnEmptyStreamThatEndsOk) {
  TestServer server;
  const auto result = ReadWholeStream(*server.NewStub(), StreamRequest("Alice", 0, 0));
  EXPECT_TRUE(result.status.ok());
  EXPECT_TRUE(result.replies.empty());
}

TEST(ServerStream, RepliesAreSpacedByTheInterval) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  const auto start = std::chrono::steady_clock::now();
  auto reader = stub->SayHelloServerStream(&context, StreamRequest("Alice", 3, 150));
  greet::HelloReply reply;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reader->Read(&reply));
  // Two gaps between three replies. (Measured from the start: a client that is descheduled
  // can receive two replies back to back, but never sooner than the server sent them.)
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_FALSE(reader->Read(&reply));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST(ServerStream, CountAboveTheLimitIsInvalidArgumentNamingTheLimit) {
  TestServer server;
  const auto result = ReadWholeStream(*server.NewStub(), StreamRequest("Alice", 1001, 0));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(), "count: must be at most 1000, got 1001");
  EXPECT_TRUE(result.replies.empty());
}

TEST(ServerStream, AnAbsentCountOverALowMaxCountIsRefusedNotSent) {
  ServerLimits limits;
  limits.max_count = 0;
  TestServer server(limits);
  const auto result = ReadWholeStream(*server.NewStub(), NamedRequest("Alice"));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(),
            "count: absent means 3, more than this server's --max-count 0; set count");
  EXPECT_TRUE(result.replies.empty());
}

TEST(ServerStream, IntervalAboveTheLimitIsInvalidArgumentNamingTheLimit) {
  TestServer server;
  const auto result = ReadWholeStream(*server.NewStub(), StreamRequest("Alice", 2, 10'001));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(), "interval_ms: must be at most 10000, got 10001");
}

TEST(ServerStream, EmptyNameIsInvalidArgument) {
  TestServer server;
  const auto result = ReadWholeStream(*server.NewStub(), StreamRequest("", 2, 0));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(), "name: must be 1 to 256 bytes of UTF-8, got 0");
}

TEST(ServerStream, CancelWhileTheServerWaitsOnItsTimerEndsTheCallPromptly) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->SayHelloServerStream(&context, StreamRequest("Alice", 3, 10'000));
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));  // now the server waits 10 s for the next one
  const auto cancelled_at = std::chrono::steady_clock::now();
  context.TryCancel();
  EXPECT_FALSE(reader->Read(&reply));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server's reactor finishes without waiting out its timer.
  const auto call = server.WaitForCall(3s);
  EXPECT_EQ(call.code, grpc::StatusCode::CANCELLED);
  EXPECT_EQ(call.messages_out, 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 3s);
}

TEST(ServerStream, CancelRightAfterStartIsSeenByTheServer) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->SayHelloServerStream(&context, StreamRequest("Alice", 1000, 1000));
  context.TryCancel();
  greet::HelloReply reply;
  while (reader->Read(&reply)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // Cancelled before or after it reached the server: either way the server must not go on.
  server.Shutdown(5s);  // returns only once every call is done
}

TEST(ServerStream, DeadlineExceededWhileWaitingEndsTheCallOnBothSides) {
  TestServer server;
  const auto result = ReadWholeStream(*server.NewStub(), StreamRequest("Alice", 3, 10'000), 300ms);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(result.replies.size(), 1u);
  EXPECT_TRUE(EndedByClientDeadline(server.WaitForCall(3s).code));
}

}  // namespace
}  // namespace greeter::testing

// SayHelloClientStream: one reply after the half-close, limits, and cancellation.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <future>

#include "client/client_stream_call.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

struct CollectResult {
  greet::HelloReply reply;
  grpc::Status status;
};

CollectResult Collect(greet::Greeter::Stub& stub, const std::vector<std::string>& names) {
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  CollectResult result;
  auto writer = stub.SayHelloClientStream(&context, &result.reply);
  for (const auto& name : names) {
    if (!writer->Write(NamedRequest(name))) break;  // the server has ended the call
  }
  writer->WritesDone();
  result.status = writer->Finish();
  return result;
}

TEST(ClientStream, GreetsEveryNameInOrderAndSaysHowMany) {
  TestServer server;
  const auto result = Collect(*server.NewStub(), {"Alice", "Bob", "Carol"});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.reply.message(), "Hello Alice, Bob and Carol");
  EXPECT_EQ(result.reply.count(), 3u);
  const auto call = server.WaitForCall();
  EXPECT_EQ(call.messages_in, 3u);
  EXPECT_EQ(call.messages_out, 1u);
}

TEST(ClientStream, EmptyStreamIsOkAndGreetsNobody) {
  TestServer server;
  const auto result = Collect(*server.NewStub(), {});
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.reply.message(), "Hello nobody");
  EXPECT_EQ(result.reply.count(), 0u);
}

TEST(ClientStream, ReplyComesOnlyAfterTheClientHalfCloses) {
  TestServer server;
  auto stub = server.NewStub();
  std::promise<grpc::Status> done;
  auto call = ClientStreamCall::Start(
      *stub, {}, {nullptr, [&](const grpc::Status& status) { done.set_value(status); }});
  ASSERT_TRUE(call->Send(NamedRequest("Alice")));
  ASSERT_TRUE(call->Send(NamedRequest("Bob")));
  auto finished = done.get_future();
  EXPECT_EQ(finished.wait_for(300ms), std::future_status::timeout)
      << "the server replied before the half-close";
  call->Close();
  ASSERT_EQ(finished.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(finished.get().ok());
}

TEST(ClientStream, MoreNamesThanTheLimitIsResourceExhausted) {
  ServerLimits limits;
  limits.max_client_stream_names = 3;
  TestServer server(limits);
  const auto result = Collect(*server.NewStub(), {"a", "b", "c", "d", "e"});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(result.status.error_message(),
            "requests: at most 3 names per SayHelloClientStream call");
  // Exactly the limit is fine.
  EXPECT_TRUE(Collect(*server.NewStub(), {"a", "b", "c"}).status.ok());
}

TEST(ClientStream, BadNameMidStreamIsInvalidArgumentNamingWhichRequest) {
  TestServer server;
  const auto result = Collect(*server.NewStub(), {"Alice", "", "Carol"});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(),
            "request 2: name: must be 1 to 256 bytes of UTF-8, got 0");
}

TEST(ClientStream, CancelMidStreamIsSeenByTheServer) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  greet::HelloReply reply;
  auto writer = stub->SayHelloClientStream(&context, &reply);
  ASSERT_TRUE(writer->Write(NamedRequest("Alice")));
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  const auto call = server.WaitForCall();
  EXPECT_EQ(call.code, grpc::StatusCode::CANCELLED);
  EXPECT_EQ(call.messages_out, 0u);  // no reply went to a client that had gone
}

TEST(ClientStream, DeadlineExceededWhileTheClientDawdles) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(200ms));
  greet::HelloReply reply;
  auto writer = stub->SayHelloClientStream(&context, &reply);
  ASSERT_TRUE(writer->Write(NamedRequest("Alice")));
  // No half-close: the server is still waiting for names when the deadline passes.
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(EndedByClientDeadline(server.WaitForCall().code));
}

}  // namespace
}  // namespace greeter::testing

// The streaming semantics greeter exists to demonstrate, one test each, through the knobs of
// HelloRequest (fail, first_reply_delay_ms, reply_padding_bytes, include_call_info) and the
// x-echo-* metadata. Each test's name is the semantic it proves; README, "A target for
// streaming tests", lists them with a command that shows each.

#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "client/unary_call.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

const std::string kSpecialMessage = "\t tabs,\nnewlines,\r\n and ünïcødé ✓ 🙂 \\ \" end";

greet::HelloRequest Failing(grpc::StatusCode code, const std::string& message,
                            uint32_t after_replies = 0) {
  auto request = NamedRequest("Alice");
  request.mutable_fail()->set_code(static_cast<int32_t>(code));
  request.mutable_fail()->set_message(message);
  request.mutable_fail()->set_after_replies(after_replies);
  return request;
}

greet::HelloRequest Delayed(uint32_t delay_ms) {
  auto request = NamedRequest("Alice");
  request.set_first_reply_delay_ms(delay_ms);
  return request;
}

// What a call of any shape came back with.
struct Outcome {
  std::vector<greet::HelloReply> replies;
  grpc::Status status;
  std::multimap<grpc::string_ref, grpc::string_ref> initial, trailing;  // valid with context
};

void CopyMetadata(const grpc::ClientContext& context, Outcome& outcome) {
  outcome.initial = context.GetServerInitialMetadata();
  outcome.trailing = context.GetServerTrailingMetadata();
}

Outcome CallUnary(greet::Greeter::Stub& stub, grpc::ClientContext& context,
                  const greet::HelloRequest& request) {
  Outcome outcome;
  greet::HelloReply reply;
  outcome.status = stub.SayHello(&context, request, &reply);
  if (outcome.status.ok()) outcome.replies.push_back(reply);
  CopyMetadata(context, outcome);
  return outcome;
}

Outcome CallServerStream(greet::Greeter::Stub& stub, grpc::ClientContext& context,
                         greet::HelloRequest request) {
  if (!request.has_count()) request.set_count(3);
  request.set_interval_ms(request.has_interval_ms() ? request.interval_ms() : 0);
  Outcome outcome;
  auto reader = stub.SayHelloServerStream(&context, request);
  for (greet::HelloReply reply; reader->Read(&reply);) outcome.replies.push_back(reply);
  outcome.status = reader->Finish();
  CopyMetadata(context, outcome);
  return outcome;
}

Outcome CallClientStream(greet::Greeter::Stub& stub, grpc::ClientContext& context,
                         const greet::HelloRequest& first) {
  Outcome outcome;
  greet::HelloReply reply;
  auto writer = stub.SayHelloClientStream(&context, &reply);
  if (writer->Write(first)) writer->Write(NamedRequest("Bob"));
  writer->WritesDone();
  outcome.status = writer->Finish();
  if (outcome.status.ok()) outcome.replies.push_back(reply);
  CopyMetadata(context, outcome);
  return outcome;
}

Outcome CallBidi(greet::Greeter::Stub& stub, grpc::ClientContext& context,
                 const greet::HelloRequest& first, int more = 2) {
  Outcome outcome;
  auto stream = stub.SayHelloBidiStream(&context);
  std::thread writer([&] {
    if (!stream->Write(first)) return;
    for (int i = 0; i < more; ++i) {
      if (!stream->Write(NamedRequest("guest " + std::to_string(i)))) return;
    }
    stream->WritesDone();
  });
  for (greet::HelloReply reply; stream->Read(&reply);) outcome.replies.push_back(reply);
  writer.join();
  outcome.status = stream->Finish();
  CopyMetadata(context, outcome);
  return outcome;
}

enum class Shape { kUnary, kServerStream, kClientStream, kBidi };

// What CallShape gets back, when all goes well, from a first request named Alice: how many
// replies, and the first one's greeting.
size_t RepliesOf(Shape shape) {
  return shape == Shape::kServerStream || shape == Shape::kBidi ? 3 : 1;
}
std::string FirstGreetingOf(Shape shape) {
  switch (shape) {
    case Shape::kServerStream:
      return "Hello Alice (1 of 3)";
    case Shape::kClientStream:
      return "Hello Alice and Bob";  // and count 2
    default:
      return "Hello Alice";
  }
}

Outcome CallShape(Shape shape, greet::Greeter::Stub& stub, grpc::ClientContext& context,
                  const greet::HelloRequest& request) {
  switch (shape) {
    case Shape::kUnary:
      return CallUnary(stub, context, request);
    case Shape::kServerStream:
      return CallServerStream(stub, context, request);
    case Shape::kClientStream:
      return CallClientStream(stub, context, request);
    case Shape::kBidi:
      return CallBidi(stub, context, request);
  }
  return {};
}

std::string ShapeName(const ::testing::TestParamInfo<Shape>& info) {
  static const char* kNames[] = {"Unary", "ServerStream", "ClientStream", "Bidi"};
  return kNames[static_cast<int>(info.param)];
}

class EveryShape : public ::testing::TestWithParam<Shape> {
 protected:
  TestServer server_;
  std::unique_ptr<greet::Greeter::Stub> stub_ = server_.NewStub();
};

INSTANTIATE_TEST_SUITE_P(Semantics, EveryShape,
                         ::testing::Values(Shape::kUnary, Shape::kServerStream,
                                           Shape::kClientStream, Shape::kBidi),
                         ShapeName);

TEST_P(EveryShape, StatusCodeAndMessageArriveIntactSpecialCharactersIncluded) {
  for (const auto code : {grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ABORTED,
                          grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::UNKNOWN}) {
    grpc::ClientContext context;
    context.set_deadline(In(10s));
    const auto outcome = CallShape(GetParam(), *stub_, context, Failing(code, kSpecialMessage));
    EXPECT_EQ(outcome.status.error_code(), code);
    EXPECT_EQ(outcome.status.error_message(), kSpecialMessage);
    EXPECT_TRUE(outcome.replies.empty());
  }
}

TEST_P(EveryShape, DeadlineExceededAgainstADelayedReplyAndTheServerSeesIt) {
  grpc::ClientContext context;
  context.set_deadline(In(300ms));
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = CallShape(GetParam(), *stub_, context, Delayed(10'000));
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(outcome.replies.empty());
  const auto call = server_.WaitForCall(3s);  // its 10 s timer is not waited out
  EXPECT_TRUE(EndedByClientDeadline(call.code)) << call.code;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_P(EveryShape, FirstReplyDelayHoldsTheFirstReplyBack) {
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = CallShape(GetParam(), *stub_, context, Delayed(300));
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  ASSERT_EQ(outcome.replies.size(), RepliesOf(GetParam()));
  EXPECT_EQ(outcome.replies.front().message(), FirstGreetingOf(GetParam()));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST_P(EveryShape, InitialAndTrailingMetadataEchoTextAndBinaryKeys) {
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  const std::string binary("\x00\x01\xfe\xff", 4);
  context.AddMetadata("x-echo-initial-team", "blue");
  context.AddMetadata("x-echo-initial-token-bin", binary);
  context.AddMetadata("x-echo-trailing-trace", "abc123");
  context.AddMetadata("x-echo-trailing-checksum-bin", binary);
  context.AddMetadata("x-not-echoed", "secret");
  const auto outcome = CallShape(GetParam(), *stub_, context, NamedRequest("Alice"));
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  const auto value = [](const auto& metadata, const std::string& key) -> std::string {
    const auto found = metadata.find(key);
    return found == metadata.end() ? "<absent>"
                                   : std::string(found->second.data(), found->second.size());
  };
  EXPECT_EQ(value(outcome.initial, "x-echo-initial-team"), "blue");
  EXPECT_EQ(value(outcome.initial, "x-echo-initial-token-bin"), binary);
  EXPECT_EQ(value(outcome.trailing, "x-echo-trailing-trace"), "abc123");
  EXPECT_EQ(value(outcome.trailing, "x-echo-trailing-checksum-bin"), binary);
  EXPECT_EQ(value(outcome.initial, "x-not-echoed"), "<absent>");
  EXPECT_EQ(value(outcome.trailing, "x-echo-initial-team"), "<absent>");
}

TEST_P(EveryShape, RepliesArePaddedToTheRequestedSize) {
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  auto request = NamedRequest("Alice");
  request.set_reply_padding_bytes(100'000);  // far above the server's 4 KiB receive limit
  const auto outcome = CallShape(GetParam(), *stub_, context, request);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  ASSERT_EQ(outcome.replies.size(), RepliesOf(GetParam()));
  EXPECT_EQ(outcome.replies.front().message(), FirstGreetingOf(GetParam()));
  for (const auto& reply : outcome.replies) EXPECT_EQ(reply.padding().size(), 100'000u);
}

TEST_P(EveryShape, KnobsBeyondTheirLimitsAreRefusedNamingFieldAndLimit) {
  auto too_padded = NamedRequest("Alice");
  too_padded.set_reply_padding_bytes((1 << 20) + 1);
  auto bad_code = Failing(grpc::StatusCode::OK, "not a failure");
  const std::pair<greet::HelloRequest, std::string> cases[] = {
      {too_padded, "reply_padding_bytes: must be at most 1048576, got 1048577"},
      {Delayed(10'001), "first_reply_delay_ms: must be at most 10000, got 10001"},
      {bad_code, "fail.code: must be a gRPC status code from 1 to 16, got 0"},
  };
  for (const auto& [request, message] : cases) {
    grpc::ClientContext context;
    context.set_deadline(In(10s));
    const auto outcome = CallShape(GetParam(), *stub_, context, request);
    EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(outcome.status.error_message(), message);
  }
}

TEST(Semantics, ServerStreamFailsAfterTheRequestedRepliesWhichAllArrive) {
  TestServer server;
  grpc::ClientContext context;
  auto request = Failing(grpc::StatusCode::DATA_LOSS, "lost after two", 2);
  request.set_count(5);
  const auto outcome = CallServerStream(*server.NewStub(), context, request);
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(outcome.status.error_message(), "lost after two");
  ASSERT_EQ(outcome.replies.size(), 2u);
  EXPECT_EQ(outcome.replies[1].sequence(), 2u);
}

TEST(Semantics, BidiFailsAfterTheRequestedRepliesWhichAllArrive) {
  TestServer server;
  grpc::ClientContext context;
  const auto outcome =
      CallBidi(*server.NewStub(), context, Failing(grpc::StatusCode::ABORTED, "enough", 2), 5);
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::ABORTED);
  ASSERT_EQ(outcome.replies.size(), 2u);
  EXPECT_EQ(outcome.replies[0].message(), "Hello Alice");
  EXPECT_EQ(outcome.replies[1].message(), "Hello guest 0");
}

TEST(Semantics, FailingAfterMoreRepliesThanTheCallHasIsRefused) {
  TestServer server;
  grpc::ClientContext context;
  auto request = Failing(grpc::StatusCode::ABORTED, "never", 1);
  const auto outcome = CallUnary(*server.NewStub(), context, request);
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(outcome.status.error_message(),
            "fail.after_replies: must be 0 for this call, whose one reply comes with its end (it "
            "cannot fail after it), got 1");
}

TEST(Semantics, EmptyBidiStreamEndsOkWithNoReplies) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->SayHelloBidiStream(&context);
  ASSERT_TRUE(stream->WritesDone());
  greet::HelloReply reply;
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(server.WaitForCall().code, grpc::StatusCode::OK);
}

TEST(Semantics, BidiServerRepliesAfterSeeingTheHalfCloseSayItSaw) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->SayHelloBidiStream(&context);
  auto first = NamedRequest("Alice");
  first.set_include_call_info(true);
  first.set_first_reply_delay_ms(300);  // the half-close arrives while the server waits
  ASSERT_TRUE(stream->Write(first));
  ASSERT_TRUE(stream->WritesDone());
  greet::HelloReply reply;
  ASSERT_TRUE(stream->Read(&reply));
  EXPECT_TRUE(reply.call().client_half_closed());
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(Semantics, CancelWhileTheServerWaitsToReplyEndsItsTimerPromptly) {
  TestServer server;
  auto stub = server.NewStub();
  std::promise<grpc::Status> done;
  auto call =
      UnaryCall::Start(*stub, {}, Delayed(10'000),
                       {nullptr, [&](const grpc::Status& status) { done.set_value(status); }});
  server.WaitForCallsStarted(1);  // the server now waits 10 s to reply
  auto finished = done.get_future();
  const auto cancelled_at = std::chrono::steady_clock::now();
  call->Cancel();
  ASSERT_EQ(finished.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(finished.get().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(server.WaitForCall(3s).code, grpc::StatusCode::CANCELLED);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 3s);
}

TEST(Semantics, CancelRightAfterBeginEndsTheCallOnBothSides) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto stream = stub->SayHelloBidiStream(&context);
  ASSERT_TRUE(stream->Write(NamedRequest("Alice")));
  context.TryCancel();
  greet::HelloReply reply;
  while (stream->Read(&reply)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server may not have begun the call before the cancel came; if it did, the call ended
  // then, as CANCELLED, and did not linger until the drain below cut it off.
  const auto shutdown_at = std::chrono::steady_clock::now();
  server.Shutdown(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - shutdown_at, 2s);
  for (const auto& call : server.WaitForCalls(0, 0ms)) {
    EXPECT_EQ(call.code, grpc::StatusCode::CANCELLED);
  }
}

TEST(Semantics, FlowControlHoldsAFastLargeStreamBackForASlowReaderAndDropsNothing) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  context.set_deadline(In(60s));
  auto request = NamedRequest("Alice");
  constexpr uint32_t kReplies = 400;
  request.set_count(kReplies);
  request.set_interval_ms(0);
  request.set_reply_padding_bytes(256 * 1024);  // 100 MiB in all: more than any window
  auto reader = stub->SayHelloServerStream(&context, request);
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));

  // The client stops reading. A server that buffered without bound would write all 400 at
  // once; flow control must stop it far short of that. Watch its count for a while.
  uint64_t written = 0;
  for (int look = 0; look < 50; ++look) {
    written = server.messages_sent();
    ASSERT_LT(written, kReplies / 2) << "the server ran ahead of its reader";
    std::this_thread::sleep_for(10ms);  // giving a misbehaving server time, not synchronising
  }

  uint32_t received = 1;
  while (reader->Read(&reply)) {
    ++received;
    ASSERT_EQ(reply.sequence(), received);
    ASSERT_EQ(reply.padding().size(), 256u * 1024);
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, kReplies);
}

TEST(Semantics, ManyCallsOfEveryShapeShareOneChannelWithoutInterfering) {
  TestServer server;
  auto stub = greet::Greeter::NewStub(server.NewChannel());
  std::vector<std::future<Outcome>> calls;
  for (int i = 0; i < 8; ++i) {
    for (const auto shape :
         {Shape::kUnary, Shape::kServerStream, Shape::kClientStream, Shape::kBidi}) {
      calls.push_back(std::async(std::launch::async, [&, shape, i] {
        grpc::ClientContext context;
        context.set_deadline(In(20s));
        return CallShape(shape, *stub, context, NamedRequest("caller " + std::to_string(i)));
      }));
    }
  }
  std::set<std::string> peers;
  for (size_t i = 0; i < calls.size(); ++i) {
    const auto outcome = calls[i].get();
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
    const std::string name = "caller " + std::to_string(i / 4);
    switch (static_cast<Shape>(i % 4)) {
      case Shape::kUnary:
        EXPECT_EQ(outcome.replies.at(0).message(), "Hello " + name);
        break;
      case Shape::kServerStream:
        EXPECT_EQ(outcome.replies.size(), 3u);
        EXPECT_EQ(outcome.replies.at(2).message(), "Hello " + name + " (3 of 3)");
        break;
      case Shape::kClientStream:
        EXPECT_EQ(outcome.replies.at(0).message(), "Hello " + name + " and Bob");
        break;
      case Shape::kBidi:
        EXPECT_EQ(outcome.replies.size(), 3u);
        EXPECT_EQ(outcome.replies.at(0).message(), "Hello " + name);
        break;
    }
  }
  for (const auto& call : server.WaitForCalls(32)) peers.insert(call.peer);
  EXPECT_EQ(peers.size(), 1u);
}

TEST(Semantics, AnUnimplementedMethodIsUnimplemented) {
  TestServer server;
  grpc::GenericStub stub(server.NewChannel());
  grpc::ClientContext context;
  context.set_deadline(In(10s));
  const std::string serialized = NamedRequest("Alice").SerializeAsString();
  grpc::Slice slice(serialized);
  grpc::ByteBuffer request(&slice, 1), reply;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/greet.Greeter/SayGoodbye", {}, &request, &reply,
                 [&](grpc::Status status) { done.set_value(status); });
  const auto status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(Semantics, ShutdownDuringADelayedUnaryCallCancelsItAfterTheDrain) {
  TestServer server;
  auto stub = server.NewStub();
  std::promise<grpc::Status> done;
  UnaryCall::Start(*stub, {}, Delayed(10'000),
                   {nullptr, [&](const grpc::Status& status) { done.set_value(status); }});
  server.WaitForCallsStarted(1);
  auto finished = done.get_future();
  const auto shutdown_at = std::chrono::steady_clock::now();
  server.Shutdown(100ms);
  ASSERT_EQ(finished.wait_for(5s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - shutdown_at, 100ms);  // the drain was given
  // The server cancels the call; the client sees its connection go.
  EXPECT_EQ(finished.get().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server.WaitForCall().code, grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace greeter::testing

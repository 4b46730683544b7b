// Shutdown: no new calls, calls in flight get the drain time, the rest are cancelled.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

greet::HelloRequest StreamRequest(uint32_t count, uint32_t interval_ms) {
  auto request = NamedRequest("Alice");
  request.set_count(count);
  request.set_interval_ms(interval_ms);
  return request;
}

TEST(Shutdown, AStreamInFlightFinishesWithinTheDrain) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->SayHelloServerStream(&context, StreamRequest(4, 100));
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));  // the call is in flight
  auto shutdown = std::async(std::launch::async, [&] { server.Shutdown(10s); });
  int received = 1;
  while (reader->Read(&reply)) ++received;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, 4);
  EXPECT_EQ(shutdown.wait_for(5s), std::future_status::ready);
}

TEST(Shutdown, StreamsStillRunningWhenTheDrainEndsAreCancelled) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext context;
  auto reader = stub->SayHelloServerStream(&context, StreamRequest(1000, 10'000));
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));
  const auto start = std::chrono::steady_clock::now();
  server.Shutdown(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // not the 10 s timer
  EXPECT_FALSE(reader->Read(&reply));
  EXPECT_FALSE(reader->Finish().ok());
  EXPECT_EQ(server.WaitForCall().code, grpc::StatusCode::CANCELLED);
}

TEST(Shutdown, OpenBidiAndClientStreamsGetAFinalStatus) {
  TestServer server;
  auto stub = server.NewStub();
  grpc::ClientContext chat_context, collect_context;
  auto chat = stub->SayHelloBidiStream(&chat_context);
  greet::HelloReply reply, collected;
  ASSERT_TRUE(chat->Write(NamedRequest("Alice")));
  ASSERT_TRUE(chat->Read(&reply));
  auto collect = stub->SayHelloClientStream(&collect_context, &collected);
  ASSERT_TRUE(collect->Write(NamedRequest("Bob")));
  server.WaitForCallsStarted(2);
  server.Shutdown(100ms);
  EXPECT_FALSE(chat->Read(&reply));
  EXPECT_FALSE(chat->Finish().ok());
  EXPECT_FALSE(collect->Finish().ok());
  const auto calls = server.WaitForCalls(2);
  ASSERT_EQ(calls.size(), 2u);
  for (const auto& call : calls) EXPECT_EQ(call.code, grpc::StatusCode::CANCELLED) << call.method;
}

TEST(Shutdown, NewCallsAreRefusedOnceShutdownStarted) {
  TestServer server;
  auto stub = server.NewStub();
  server.Shutdown(0ms);
  grpc::ClientContext context;
  context.set_deadline(In(2s));
  greet::HelloReply reply;
  EXPECT_EQ(stub->SayHello(&context, NamedRequest("Alice"), &reply).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace greeter::testing

// gRPC 1.51 aborts the process when the last channel using the callback API goes inside one of
// its own reactions (common/grpc_callback_threads.h). Every greeter process that makes
// callback calls keeps a reference for its whole life; this test binary does too
// (tests/support/test_server.cc), and drops the last channel of its own where gRPC used to
// abort on it.

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

using namespace std::chrono_literals;

// A call to a port nobody listens on, whose completion holds the only reference to its
// channel: it goes on gRPC's thread as the callback ends.
void CallThatDropsItsChannelOnGrpcsThread(const std::string& target) {
  struct Call {
    std::shared_ptr<grpc::Channel> channel;
    grpc::ClientContext context;
    grpc::Slice empty;
    grpc::ByteBuffer request{&empty, 1}, reply;  // a message of no bytes (a ByteBuffer of none is
                                                 // no message at all: gRPC aborts on it)
  };
  auto call = std::make_shared<Call>();
  call->channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  call->context.set_deadline(std::chrono::system_clock::now() + 50ms);
  std::promise<grpc::StatusCode> ended;
  auto ended_code = ended.get_future();
  grpc::GenericStub(call->channel)
      .UnaryCall(&call->context, "/greet.Greeter/SayHello", grpc::StubOptions(), &call->request,
                 &call->reply, [call, &ended](const grpc::Status& status) mutable {
                   ended.set_value(status.error_code());
                   call.reset();  // the last reference to the channel, if the stub's is gone
                 });
  call.reset();
  ASSERT_EQ(ended_code.wait_for(10s), std::future_status::ready);
  EXPECT_NE(ended_code.get(), grpc::StatusCode::OK);
}

TEST(GrpcCallbackThreads, ALastChannelDroppedInsideItsCallbackDoesNotAbortTheProcess) {
  const std::string target = "127.0.0.1:" + std::to_string(UnusedPort());
  // Each round would free gRPC's callback queue under its own thread; the next round uses it.
  for (int round = 0; round < 200; ++round) CallThatDropsItsChannelOnGrpcsThread(target);
}

}  // namespace
}  // namespace greeter::testing

// --max-connection-idle, seen from a client's channel: a connection with no call open for that
// long is closed, and one whose client keeps calling, or keeps a call open, is not. Over IPv4,
// IPv6 and an IPv4 client of a dual-stack listener, as the server names each peer differently.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "server/greeter_server.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

constexpr auto kIdle = 400ms;

struct Addresses {
  std::string name;
  std::string listen;  // port 0
  std::string client_host;
};

void PrintTo(const Addresses& addresses, std::ostream* out) { *out << addresses.name; }

class IdleConnections : public ::testing::TestWithParam<Addresses> {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.listen = GetParam().listen;
    options.connection.max_connection_idle = kIdle;
    try {
      server_ = std::make_unique<GreeterServer>(options, [](const CallRecord&) {});
    } catch (const std::exception& error) {
      GTEST_SKIP() << "cannot listen on " << options.listen << " here: " << error.what();
    }
    channel_ = grpc::CreateChannel(GetParam().client_host + ":" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  grpc::Status SayHello(const std::string& name) {
    grpc::ClientContext context;
    context.set_deadline(In(5s));
    greet::HelloReply reply;
    return greet::Greeter::NewStub(channel_)->SayHello(&context, NamedRequest(name), &reply);
  }

  // Whether the channel's connection stays up (READY, never anything else) until `until`,
  // watched on a thread of its own while the test goes on.
  std::future<bool> WatchConnectionUntil(std::chrono::system_clock::time_point until) {
    return std::async(std::launch::async, [channel = channel_, until] {
      return !channel->WaitForStateChange(GRPC_CHANNEL_READY, until);
    });
  }

  std::unique_ptr<GreeterServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_P(IdleConnections, AConnectionWithNoCallIsClosedAndTheNextCallConnectsAgain) {
  ASSERT_TRUE(SayHello("Ada").ok());
  ASSERT_EQ(channel_->GetState(false), GRPC_CHANNEL_READY);
  const auto asked = std::chrono::steady_clock::now();
  // Closed between kIdle and 2 × kIdle after the call; 3 s is the bound a test can hold.
  EXPECT_TRUE(channel_->WaitForStateChange(GRPC_CHANNEL_READY, In(3s)))
      << "a connection idle for " << kIdle.count() << " ms was not closed within 3 s";
  EXPECT_GE(std::chrono::steady_clock::now() - asked, kIdle - 50ms) << "closed too early";
  EXPECT_TRUE(SayHello("Grace").ok());
}

TEST_P(IdleConnections, AConnectionWhoseClientKeepsCallingStaysOpen) {
  ASSERT_TRUE(SayHello("Ada").ok());
  const auto end = std::chrono::system_clock::now() + 4 * kIdle;
  auto stayed_up = WatchConnectionUntil(end);
  // A call every kIdle / 3: never idle for kIdle, though idle between every two calls.
  while (std::chrono::system_clock::now() < end) {
    ASSERT_TRUE(SayHello("Bob").ok());
    std::this_thread::sleep_until(std::min(end, std::chrono::system_clock::now() + kIdle / 3));
  }
  EXPECT_TRUE(stayed_up.get()) << "the connection was closed although calls kept coming";
}

TEST_P(IdleConnections, AConnectionWithACallOpenStaysOpen) {
  ASSERT_TRUE(SayHello("Ada").ok());
  grpc::ClientContext context;
  auto request = NamedRequest("Carol");
  request.set_count(2);
  request.set_interval_ms(static_cast<uint32_t>((3 * kIdle).count()));  // longer than idle
  auto stream = greet::Greeter::NewStub(channel_)->SayHelloServerStream(&context, request);
  greet::HelloReply reply;
  ASSERT_TRUE(stream->Read(&reply));
  auto stayed_up = WatchConnectionUntil(std::chrono::system_clock::now() + 2 * kIdle);
  EXPECT_TRUE(stayed_up.get()) << "the connection was closed under an open call";
  ASSERT_TRUE(stream->Read(&reply));
  EXPECT_FALSE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_P(IdleConnections, AConnectionWithAHealthWatchOpenStaysOpen) {
  // gRPC's own services (health, reflection, channelz) are not greeter's calls: a load
  // balancer's Watch must keep its connection all the same.
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  auto watch = grpc::health::v1::Health::NewStub(channel_)->Watch(&context, request);
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  auto stayed_up = WatchConnectionUntil(std::chrono::system_clock::now() + 4 * kIdle);
  EXPECT_TRUE(stayed_up.get()) << "the connection was closed under an open health Watch";
  context.TryCancel();
  watch->Finish();
}

INSTANTIATE_TEST_SUITE_P(
    Peers, IdleConnections,
    ::testing::Values(Addresses{"Ipv4", "127.0.0.1:0", "127.0.0.1"},
                      Addresses{"Ipv6", "[::1]:0", "[::1]"},
                      Addresses{"Ipv4OnADualStackListener", "[::]:0", "127.0.0.1"}),
    [](const ::testing::TestParamInfo<Addresses>& param) { return param.param.name; });

}  // namespace
}  // namespace greeter::testing

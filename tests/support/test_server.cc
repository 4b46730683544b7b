#include "tests/support/test_server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "common/grpc_callback_threads.h"
#include "tests/support/redis_server.h"

namespace greeter::testing {
namespace {

// Channels and servers come and go in every test: gRPC's callback threads must stay.
class KeepGrpcCallbackThreads : public ::testing::Environment {
 public:
  void SetUp() override { KeepGrpcCallbackThreadsForTheProcess(); }
};
[[maybe_unused]] auto* const keep_grpc_callback_threads =
    ::testing::AddGlobalTestEnvironment(new KeepGrpcCallbackThreads);

ServerOptions LoopbackOptions(ServerLimits limits, int port, ConnectionOptions connection) {
  ServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(port);
  options.limits = limits;
  options.connection = connection;
  if (RoomsOnRedisForEveryTest()) options.rooms.engine = RedisOfThisTest().address();
  return options;
}

}  // namespace

TestServer::TestServer(ServerLimits limits, int port)
    : TestServer(LoopbackOptions(limits, port, {})) {}

TestServer::TestServer(ConnectionOptions connection)
    : TestServer(LoopbackOptions({}, 0, connection)) {}

TestServer::TestServer(ServerTls tls)
    : TestServer([&] {
        auto options = LoopbackOptions({}, 0, {});
        options.tls = std::move(tls);
        return options;
      }()) {}

TestServer::TestServer(ServerLimits limits, RoomEngineChoice rooms, int port)
    : TestServer([&] {
        auto options = LoopbackOptions(limits, port, {});
        options.rooms = std::move(rooms);
        return options;
      }()) {}

TestServer::TestServer(const ServerOptions& options)
    : server_(options, [this](const CallRecord& record) {
        std::lock_guard lock(mutex_);
        calls_.push_back(record);
        recorded_.notify_all();
      }) {
  // A member that joins at once must find the room service there.
  EXPECT_TRUE(server_.WaitForRooms(10s)) << "the room service is unreachable";
}

std::shared_ptr<grpc::Channel> TestServer::NewChannel() const {
  std::lock_guard lock(channels_mutex_);
  std::shared_ptr<grpc::Channel> channel;
  if (std::getenv("GREETER_TEST_THROUGH_WIRE_VIEW")) {
    if (!wire_view_) {
      wire_view_ = std::make_unique<wire::WireView>(
          target(), std::nullopt, wire::FrameFormat::kJson, false, [](const std::string& line) {
            // Decoded and formatted, then dropped.
            EXPECT_FALSE(line.empty());
          });
    }
    grpc::ChannelArguments arguments;
    arguments.SetString(GRPC_ARG_DEFAULT_AUTHORITY, target());
    channel = grpc::CreateCustomChannel(wire_view_->address(), grpc::InsecureChannelCredentials(),
                                        arguments);
  } else {
    channel = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
  }
  channels_.push_back(channel);
  return channel;
}

std::unique_ptr<greet::Greeter::Stub> TestServer::NewStub() const {
  return greet::Greeter::NewStub(NewChannel());
}

std::vector<CallRecord> TestServer::WaitForCalls(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool arrived = recorded_.wait_for(lock, timeout, [&] { return calls_.size() >= count; });
  EXPECT_TRUE(arrived) << "the server finished " << calls_.size() << " calls, not " << count
                       << ", within " << timeout.count() << "ms";
  return calls_;
}

CallRecord TestServer::WaitForCall(std::chrono::milliseconds timeout) {
  auto calls = WaitForCalls(1, timeout);
  EXPECT_EQ(calls.size(), 1u);
  return calls.empty() ? CallRecord{} : calls.front();
}

void TestServer::WaitForCallsStarted(uint64_t count, std::chrono::milliseconds timeout) const {
  // The server has no event for a call's start: look at its counter until it gets there.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (server_.calls().calls_started() < count) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the server began " << server_.calls().calls_started() << " calls, not "
                    << count << ", within " << timeout.count() << "ms";
      return;
    }
    std::this_thread::sleep_for(1ms);
  }
}

greet::HelloRequest NamedRequest(const std::string& name) {
  greet::HelloRequest request;
  request.set_name(name);
  return request;
}

}  // namespace greeter::testing

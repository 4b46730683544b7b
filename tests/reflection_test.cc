// Server reflection, as grpcurl and evans use it, and the services it shows.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/reflection_client.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

TEST(Reflection, ListsTheGreeterHealthChannelzAndReflectionItself) {
  TestServer server;
  ReflectionClient reflection(server.NewChannel());
  const auto services = reflection.ListServices();
  ASSERT_TRUE(services);
  EXPECT_THAT(*services,
              IsSupersetOf({"greet.Greeter", "grpc.health.v1.Health", "grpc.channelz.v1.Channelz",
                            "grpc.reflection.v1alpha.ServerReflection"}));
}

TEST(Reflection, DescribesTheFourGreeterMethods) {
  TestServer server;
  ReflectionClient reflection(server.NewChannel());
  const auto file = reflection.FileContainingSymbol("greet.Greeter");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->package(), "greet");
  ASSERT_EQ(file->service_size(), 1);
  // name, client streams, server streams
  std::vector<std::tuple<std::string, bool, bool>> methods;
  for (const auto& method : file->service(0).method()) {
    methods.emplace_back(method.name(), method.client_streaming(), method.server_streaming());
  }
  EXPECT_THAT(methods, UnorderedElementsAre(std::tuple("SayHello", false, false),
                                            std::tuple("SayHelloServerStream", false, true),
                                            std::tuple("SayHelloClientStream", true, false),
                                            std::tuple("SayHelloBidiStream", true, true)));
}

TEST(Reflection, AnUnknownSymbolIsNotDescribed) {
  TestServer server;
  ReflectionClient reflection(server.NewChannel());
  EXPECT_FALSE(reflection.FileContainingSymbol("greet.NoSuchService"));
}

}  // namespace
}  // namespace greeter::testing

// The standard grpc.health.v1 service, as grpc_health_probe and Kubernetes probes use it.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <future>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthCheckRequest ForService(const std::string& service) {
  HealthCheckRequest request;
  request.set_service(service);
  return request;
}

grpc::Status Check(Health::Stub& health, const std::string& service,
                   HealthCheckResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  return health.Check(&context, ForService(service), response);
}

TEST(Health, TheServerAndTheGreeterServiceAreServing) {
  TestServer server;
  auto health = Health::NewStub(server.NewChannel());
  for (const std::string service : {"", "greet.Greeter"}) {
    HealthCheckResponse response;
    ASSERT_TRUE(Check(*health, service, &response).ok()) << '"' << service << '"';
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << '"' << service << '"';
  }
}

TEST(Health, AnUnknownServiceIsNotFound) {
  TestServer server;
  auto health = Health::NewStub(server.NewChannel());
  HealthCheckResponse response;
  EXPECT_EQ(Check(*health, "greet.NoSuchService", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(Health, AWatcherSeesNotServingAsSoonAsTheDrainStarts) {
  TestServer server;
  auto channel = server.NewChannel();
  // A stream that outlasts the test keeps the drain going: NOT_SERVING must come before the
  // calls in flight end, not with the port closing.
  grpc::ClientContext stream_context;
  auto request = NamedRequest("Alice");
  request.set_count(100);
  request.set_interval_ms(10'000);
  auto stream = greet::Greeter::NewStub(channel)->SayHelloServerStream(&stream_context, request);
  greet::HelloReply reply;
  ASSERT_TRUE(stream->Read(&reply));

  // Once the drain starts the server refuses new calls, so the watch is opened before it.
  auto health = Health::NewStub(channel);
  grpc::ClientContext watch_context;
  auto watch = health->Watch(&watch_context, ForService("greet.Greeter"));
  HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  auto shutdown = std::async(std::launch::async, [&] { server.Shutdown(30s); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(shutdown.wait_for(0s), std::future_status::timeout) << "the drain was still on";

  watch_context.TryCancel();
  stream_context.TryCancel();
  watch->Finish();
  stream->Finish();
  EXPECT_EQ(shutdown.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace greeter::testing

// The server-wide budget of open calls (--max-open-calls): past it new calls are refused, the
// open ones go on, and a call that ends frees its place.

#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/test_server.h"

namespace greeter::testing {
namespace {

using BidiStream = grpc::ClientReaderWriter<greet::HelloRequest, greet::HelloReply>;

struct OpenStream {
  grpc::ClientContext context;
  std::unique_ptr<BidiStream> stream;
};

grpc::Status SayHello(greet::Greeter::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  greet::HelloReply reply;
  return stub.SayHello(&context, NamedRequest("Zed"), &reply);
}

void ExpectRefusedForTheBudget(const grpc::Status& status) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("3 calls open"), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("--max-open-calls"), std::string::npos)
      << status.error_message();
}

TEST(OpenCalls, PastTheBudgetNewCallsAreRefusedTheOpenOnesGoOnAndAnEndedOneFreesItsPlace) {
  ServerLimits limits;
  limits.max_open_calls = 3;
  TestServer server(limits);
  auto stub = server.NewStub();
  std::vector<std::unique_ptr<OpenStream>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<OpenStream>());
    open.back()->context.set_deadline(In(20s));
    open.back()->stream = stub->SayHelloBidiStream(&open.back()->context);
  }
  server.WaitForCallsStarted(3);

  ExpectRefusedForTheBudget(SayHello(*stub));
  {  // every call shape meets the same budget
    grpc::ClientContext context;
    context.set_deadline(In(5s));
    auto refused = stub->SayHelloBidiStream(&context);
    greet::HelloReply reply;
    EXPECT_FALSE(refused->Read(&reply));
    ExpectRefusedForTheBudget(refused->Finish());
  }

  // The open calls are served as before, and so is the health service, which is not counted.
  greet::HelloReply reply;
  ASSERT_TRUE(open[0]->stream->Write(NamedRequest("Ann")));
  ASSERT_TRUE(open[0]->stream->Read(&reply));
  EXPECT_EQ(reply.message(), "Hello Ann");
  auto health = grpc::health::v1::Health::NewStub(server.NewChannel());
  grpc::ClientContext health_context;
  health_context.set_deadline(In(5s));
  grpc::health::v1::HealthCheckResponse serving;
  ASSERT_TRUE(health->Check(&health_context, {}, &serving).ok());
  EXPECT_EQ(serving.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  ASSERT_TRUE(open[0]->stream->WritesDone());
  ASSERT_TRUE(open[0]->stream->Finish().ok());
  server.WaitForCalls(3);  // the two refused, and the one that ended (its place is free)
  EXPECT_TRUE(SayHello(*stub).ok());

  for (size_t i = 1; i < open.size(); ++i) {
    ASSERT_TRUE(open[i]->stream->WritesDone());
    EXPECT_TRUE(open[i]->stream->Finish().ok());
  }
}

}  // namespace
}  // namespace greeter::testing

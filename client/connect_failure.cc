#include "client/connect_failure.h"

#include <grpcpp/client_context.h>

#include <chrono>

#include "grpc/health/v1/health.grpc.pb.h"

namespace greeter {

void AskWhyCannotConnect(const std::shared_ptr<grpc::Channel>& channel,
                         std::function<void(std::string reason)> on_reason) {
  struct Probe {
    std::unique_ptr<grpc::health::v1::Health::Stub> stub;
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
  };
  auto probe = std::make_shared<Probe>();
  probe->stub = grpc::health::v1::Health::NewStub(channel);
  probe->context.set_wait_for_ready(false);  // fail at once, with the reason, when not connected
  probe->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  probe->stub->async()->Check(&probe->context, &probe->request, &probe->response,
                              [probe, on_reason = std::move(on_reason)](grpc::Status status) {
                                const bool unreachable =
                                    status.error_code() == grpc::StatusCode::UNAVAILABLE;
                                on_reason(unreachable ? status.error_message() : "");
                              });
}

}  // namespace greeter

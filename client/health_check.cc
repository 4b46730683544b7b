#include "client/health_check.h"

#include <grpcpp/client_context.h>

#include <ostream>

#include "client/reply_printer.h"  // StatusText
#include "common/duration.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace greeter {

using grpc::health::v1::HealthCheckResponse;

int RunHealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                   std::chrono::milliseconds timeout, std::ostream& out, std::ostream& err) {
  const std::string what = service.empty() ? "the server" : service;
  // Told apart from a failing call: a probe's "cannot reach it" differs from "it answered no".
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    err << "greeter-client: health: cannot connect within " << FormatDuration(timeout) << "\n";
    return kHealthConnectionFailed;
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const auto stub = grpc::health::v1::Health::NewStub(channel);
  const grpc::Status status = stub->Check(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    out << what << ": unknown service\n";
    return kHealthNotServing;
  }
  if (!status.ok()) {
    err << "greeter-client: health: " << StatusText(status) << "\n";
    return kHealthRpcFailed;
  }
  out << what << ": " << HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == HealthCheckResponse::SERVING ? kHealthServing : kHealthNotServing;
}

}  // namespace greeter

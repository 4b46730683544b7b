#include "client/health_check.h"

#include <grpcpp/client_context.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "client/reply_printer.h"  // StatusText, ErrorJson
#include "common/duration.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace greeter {

using grpc::health::v1::HealthCheckResponse;

int RunHealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& target,
                   const std::string& service,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::chrono::milliseconds timeout, bool json, std::ostream& out,
                   std::ostream& err) {
  const std::string what = service.empty() ? "the server" : service;
  const auto print = [&](std::string_view status_name, std::string_view text) {
    if (json) {
      out << nlohmann::ordered_json{{"service", service}, {"status", status_name}}.dump() << "\n";
    } else {
      out << what << ": " << text << "\n";
    }
  };
  const auto fail = [&](const grpc::Status& status, const MetadataEntries& trailing) {
    err << "greeter-client: health: " << StatusText(status) << "\n";
    if (json) out << ErrorJson(status, trailing) << "\n";
  };
  // Told apart from a failing call: a probe's "cannot reach it" differs from "it answered no".
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    fail(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "cannot connect to " + target + " within " + FormatDuration(timeout)),
         {});
    return kHealthConnectionFailed;
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  for (const auto& [key, value] : headers) context.AddMetadata(key, value);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const auto stub = grpc::health::v1::Health::NewStub(channel);
  const grpc::Status status = stub->Check(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    print(HealthCheckResponse::ServingStatus_Name(HealthCheckResponse::SERVICE_UNKNOWN),
          "unknown service");
    return kHealthNotServing;
  }
  if (!status.ok()) {
    fail(status, CopyMetadata(context.GetServerTrailingMetadata()));
    return kHealthRpcFailed;
  }
  const std::string name = HealthCheckResponse::ServingStatus_Name(response.status());
  print(name, name);
  return response.status() == HealthCheckResponse::SERVING ? kHealthServing : kHealthNotServing;
}

}  // namespace greeter

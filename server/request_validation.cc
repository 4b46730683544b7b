#include "server/request_validation.h"

#include <string>

namespace greeter {

grpc::Status ValidateName(const greet::HelloRequest& request, const ServerLimits& limits) {
  const size_t bytes = request.name().size();
  if (bytes == 0 || bytes > limits.max_name_bytes) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "name: must be 1 to " + std::to_string(limits.max_name_bytes) +
                " bytes of UTF-8, got " + std::to_string(bytes)};
  }
  return grpc::Status::OK;
}

grpc::Status ValidateServerStreamRequest(const greet::HelloRequest& request,
                                         const ServerLimits& limits) {
  if (auto status = ValidateName(request, limits); !status.ok()) return status;
  if (request.count() > limits.max_count) {
    return {grpc::StatusCode::INVALID_ARGUMENT, "count: must be at most " +
                                                    std::to_string(limits.max_count) + ", got " +
                                                    std::to_string(request.count())};
  }
  if (request.interval_ms() > limits.max_interval_ms) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "interval_ms: must be at most " + std::to_string(limits.max_interval_ms) + ", got " +
                std::to_string(request.interval_ms())};
  }
  return grpc::Status::OK;
}

}  // namespace greeter

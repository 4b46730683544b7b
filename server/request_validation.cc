#include "server/request_validation.h"

#include <string>

namespace greeter {

grpc::Status ValidateLength(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.empty() || value.size() > max_bytes) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            std::string(field) + ": must be 1 to " + std::to_string(max_bytes) +
                " bytes of UTF-8, got " + std::to_string(value.size())};
  }
  return grpc::Status::OK;
}

grpc::Status ValidateName(const greet::HelloRequest& request, const ServerLimits& limits) {
  return ValidateLength("name", request.name(), limits.max_name_bytes);
}

grpc::Status ValidateServerStreamRequest(const greet::HelloRequest& request,
                                         const ServerLimits& limits) {
  if (auto status = ValidateName(request, limits); !status.ok()) return status;
  if (!request.has_count() && kDefaultStreamCount > limits.max_count) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "count: absent means " + std::to_string(kDefaultStreamCount) +
                ", more than this server's --max-count " + std::to_string(limits.max_count) +
                "; set count"};
  }
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

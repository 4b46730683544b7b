#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

#include "greet.pb.h"
#include "server/server_limits.h"

namespace greeter {

// What an absent HelloRequest.count and interval_ms mean (see greet.proto).
inline constexpr uint32_t kDefaultStreamCount = 3;
inline constexpr uint32_t kDefaultStreamIntervalMs = 100;

// INVALID_ARGUMENT "FIELD: must be 1 to MAX bytes of UTF-8, got N" unless `value` has 1 to
// `max_bytes` bytes; else OK. For every text field of HelloRequest.
grpc::Status ValidateLength(std::string_view field, std::string_view value, size_t max_bytes);

// ValidateLength of HelloRequest.name.
grpc::Status ValidateName(const greet::HelloRequest& request, const ServerLimits& limits);

// Adds count and interval_ms to ValidateName, for SayHelloServerStream.
grpc::Status ValidateServerStreamRequest(const greet::HelloRequest& request,
                                         const ServerLimits& limits);

}  // namespace greeter

#pragma once

#include <grpcpp/support/status.h>

#include "greet.pb.h"
#include "server/server_limits.h"

namespace greeter {

// What an absent HelloRequest.count and interval_ms mean (see greet.proto).
inline constexpr uint32_t kDefaultStreamCount = 3;
inline constexpr uint32_t kDefaultStreamIntervalMs = 100;

// INVALID_ARGUMENT naming the field and its limit, or OK.
grpc::Status ValidateName(const greet::HelloRequest& request, const ServerLimits& limits);

// Adds count and interval_ms to ValidateName, for SayHelloServerStream.
grpc::Status ValidateServerStreamRequest(const greet::HelloRequest& request,
                                         const ServerLimits& limits);

}  // namespace greeter

#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

namespace greeter {

// "OK", "CANCELLED", ... as the gRPC specification spells them.
std::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace greeter

#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string_view>

namespace greeter {

// "OK", "CANCELLED", ... as the gRPC specification spells them.
std::string_view StatusCodeName(grpc::StatusCode code);

// The code named ("NOT_FOUND", "not_found") or numbered ("5"); nothing for anything else.
std::optional<grpc::StatusCode> ParseStatusCode(std::string_view text);

}  // namespace greeter

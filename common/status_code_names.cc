#include "common/status_code_names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace greeter {

namespace {

constexpr std::array<std::string_view, 17> kNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

}  // namespace

std::string_view StatusCodeName(grpc::StatusCode code) {
  const auto index = static_cast<size_t>(code);
  return index < kNames.size() ? kNames[index] : "UNKNOWN";
}

std::optional<grpc::StatusCode> ParseStatusCode(std::string_view text) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    const bool same_name = std::equal(text.begin(), text.end(), kNames[i].begin(), kNames[i].end(),
                                      [](char a, char b) { return std::toupper(a) == b; });
    if (same_name || text == std::to_string(i)) return static_cast<grpc::StatusCode>(i);
  }
  return std::nullopt;
}

}  // namespace greeter

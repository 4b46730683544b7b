#include "client/wire/grpc_status_headers.h"

#include <charconv>

#include "common/status_code_names.h"

namespace greeter::wire {

std::string PercentDecoded(const std::string& value) {
  std::string text;
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned byte = 0;
    if (value[i] == '%' && i + 2 < value.size() &&
        std::from_chars(value.data() + i + 1, value.data() + i + 3, byte, 16).ptr ==
            value.data() + i + 3) {
      text += static_cast<char>(byte);
      i += 2;
    } else {
      text += value[i];
    }
  }
  return text;
}

GrpcStatusHeaders ReadGrpcStatus(const HeaderList& headers) {
  GrpcStatusHeaders status;
  for (const auto& [name, value] : headers) {
    if (name == "grpc-status") {
      status.value = value;
      int code = -1;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), code);
      status.known = error == std::errc() && end == value.data() + value.size() && code >= 0 &&
                     code <= grpc::StatusCode::UNAUTHENTICATED;
      status.code =
          status.known ? std::string(StatusCodeName(static_cast<grpc::StatusCode>(code))) : value;
    } else if (name == "grpc-message") {
      status.message = PercentDecoded(value);
    }
  }
  return status;
}

std::string GrpcStatusHeaders::Named() const {
  if (!value) return "";
  return known ? code + " (" + *value + ")" : *value + " (not a gRPC status code)";
}

std::string GrpcStatusHeaders::Outcome() const {
  return message && !message->empty() ? code + ": " + *message : code;
}

}  // namespace greeter::wire

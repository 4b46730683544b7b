#pragma once

#include <optional>
#include <string>

#include "client/wire/frame.h"

namespace greeter::wire {

// A call's status as a header block carries it (the gRPC HTTP/2 protocol): grpc-status, a
// number, and grpc-message, percent-encoded. Read here alone for every view of a frame.
struct GrpcStatusHeaders {
  std::optional<std::string> value;    // grpc-status as sent ("10"); nothing when absent
  std::string code;                    // "ABORTED"; the value itself when it is no gRPC code
  bool known = false;                  // the value is a gRPC status code
  std::optional<std::string> message;  // grpc-message, decoded; nothing when absent

  // "ABORTED (10)", or "17 (not a gRPC status code)".
  std::string Named() const;
  // "ABORTED: no", "OK": how the call ended.
  std::string Outcome() const;
};

GrpcStatusHeaders ReadGrpcStatus(const HeaderList& headers);

// grpc-message as sent is percent-encoded: the text it stands for.
std::string PercentDecoded(const std::string& value);

}  // namespace greeter::wire

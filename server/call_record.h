#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace greeter {

// What the server knows about one finished call: what it logs, and what tests observe.
struct CallRecord {
  std::string method;  // "SayHello", "SayHelloServerStream", ...
  std::string peer;    // "ipv4:127.0.0.1:53712": one connection, one peer
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;  // the status message, empty on OK
  std::chrono::microseconds duration{0};
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
};

// Called once per finished call, on a gRPC thread: must be quick and thread-safe.
using CallObserver = std::function<void(const CallRecord&)>;

}  // namespace greeter

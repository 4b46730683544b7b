#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace greeter {

// Exit codes of `greeter-client health`, grpc_health_probe's: scripts and probes that know one
// know the other.
enum HealthExit : int {
  kHealthServing = 0,
  kHealthBadFlags = 1,
  kHealthConnectionFailed = 2,
  kHealthRpcFailed = 3,
  kHealthNotServing = 4,  // NOT_SERVING, UNKNOWN, or a service the server does not know
};

// Connects to `target` (for the message) within `timeout`, asks grpc.health.v1.Health/Check about
// `service` ("" is the whole server) within `timeout` more, prints the status on `out` (or what
// failed on `err`) and returns the exit code. `json`: the status as
// {"service":...,"status":"SERVING"}, and a failure also as ErrorJson on `out`. `headers` go with
// the call, as --header's with every call.
int RunHealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& target,
                   const std::string& service,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   std::chrono::milliseconds timeout, bool json, std::ostream& out,
                   std::ostream& err);

}  // namespace greeter

#pragma once

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>

namespace greeter {

// Asks gRPC why `channel` cannot connect: the status of one call that does not wait for a
// connection (a health check, harmless if the server does answer) carries the last connection
// error, e.g. "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1:
// Failed to connect to remote host: Connection refused". `on_reason` runs once, on a gRPC thread,
// with that message, or "" when the call did not fail for want of a connection.
void AskWhyCannotConnect(const std::shared_ptr<grpc::Channel>& channel,
                         std::function<void(std::string reason)> on_reason);

}  // namespace greeter

#pragma once

namespace greeter {

// Routes gRPC's own log lines through greeter-client's format ("greeter-client: grpc: ...") on
// stderr. By default only errors (a failed TLS handshake, say) come through: gRPC's info lines
// tell a user of the tool nothing. GRPC_VERBOSITY, when set, still chooses what gRPC logs, with
// the source file and line for debugging.
void RouteGrpcLogThroughTool();

}  // namespace greeter

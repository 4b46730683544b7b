#pragma once

#include <grpcpp/server_builder.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace greeter {

// How the server treats connections: keepalive pings both ways, how long a connection may
// live, and how many calls may share one. Zero durations mean "no limit".
struct ConnectionOptions {
  using Duration = std::chrono::milliseconds;

  // Ping a client after this long without activity, to find connections whose peer is gone
  // (gRPC's own default, 2 hours, leaves a dead peer's calls hanging for that long).
  Duration keepalive_time = std::chrono::minutes(1);
  // Close the connection when a ping is not answered within this.
  Duration keepalive_timeout = std::chrono::seconds(20);
  // Accept client pings on a connection with no call in flight.
  bool permit_keepalive_without_calls = false;
  // Shortest gap between client pings the server accepts without data being sent; pinging
  // more often gets the connection closed (GOAWAY "too_many_pings"). gRPC's default.
  Duration min_ping_interval = std::chrono::minutes(5);
  // Close a connection with no call in flight for this long (0: never): a client that connects
  // and makes no call (or only answers pings) cannot hold a connection for ever.
  Duration max_connection_idle = std::chrono::minutes(5);
  // Close a connection this old, so clients spread over new servers (0: never)...
  Duration max_connection_age{0};
  // ...after letting its calls in flight finish for this long (0: no limit).
  Duration max_connection_age_grace{0};
  // Calls in flight on one connection; a client queues the rest until one ends.
  int max_concurrent_streams = 1000;
  // Open TCP connections; past it new ones are closed at once and counted (0: what the
  // descriptor limit leaves, at most 10,000: DefaultMaxConnections).
  size_t max_connections = 0;
  // Further gRPC channel arguments, for tuning (--grpc-arg NAME=VALUE): a whole number is
  // passed as an integer, anything else as a string. Applied last, so they win.
  std::vector<std::pair<std::string, std::string>> grpc_args;

  // Idle connections are closed by gRPC's own filter only where greeter's listener cannot
  // (`grpc_closes_idle`: a unix socket): the filter costs every call (OpenConnections).
  void ApplyTo(grpc::ServerBuilder& builder, bool grpc_closes_idle) const;
};

}  // namespace greeter

#pragma once

#include <grpcpp/server_builder.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/open_connections.h"

namespace greeter {

// greeter's own TCP listener, in front of gRPC's: gRPC 1.51's stops for good the first time
// accept fails for want of a descriptor (CVE-2023-4785). This one accepts, refuses connections
// past `max_connections` (closes them at once, counted), sheds the waiting connection when
// descriptors run out and tries again shortly, and hands every connection it keeps to gRPC
// (which runs TLS and HTTP/2 on it as on its own). Refusals are reported through `notice`,
// at most one line a second. With a `max_idle`, it also closes the connections that have had
// no call open for that long (OpenConnections::CloseIdle), looking every max_idle / 4.
class ConnectionAcceptor {
 public:
  using Notice = std::function<void(const std::string&)>;

  // Binds every address `listen` (host:port, port 0: a free one) resolves to and listens;
  // throws std::runtime_error when none can be bound. `calls` must outlive Stop.
  ConnectionAcceptor(asio::io_context& io_context, const std::string& listen,
                     size_t max_connections, OpenCalls& calls, std::chrono::milliseconds max_idle,
                     Notice notice);
  ConnectionAcceptor(const ConnectionAcceptor&) = delete;
  ConnectionAcceptor& operator=(const ConnectionAcceptor&) = delete;
  ~ConnectionAcceptor();

  int port() const { return port_; }

  // From now on every connection kept goes to `grpc`, which must outlive Stop.
  void Start(grpc::experimental::ExternalConnectionAcceptor& grpc);
  // Closes the listening sockets; once it returns no connection is handed over any more. Blocks
  // until the io_context runs it: never call it from one of its threads.
  void Stop();

 private:
  struct Listener {
    asio::ip::tcp::acceptor socket;
    asio::steady_timer retry;  // after accept failed for want of descriptors or memory
  };

  void WaitForConnections(Listener& listener);
  void AcceptWaiting(Listener& listener);
  void Admit(Listener& listener, int fd);
  void ShedOneWaiting(Listener& listener);
  void CountRefused(bool out_of_descriptors);
  void Report();
  void LookForIdleConnections();

  asio::strand<asio::io_context::executor_type> strand_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  asio::steady_timer report_timer_;
  asio::steady_timer idle_timer_;
  int port_ = 0;
  size_t max_connections_;
  Notice notice_;
  grpc::experimental::ExternalConnectionAcceptor* grpc_ = nullptr;
  bool stopped_ = false;
  int spare_fd_ = -1;  // closed to accept (and close) one connection when descriptors run out
  OpenConnections open_;
  const std::chrono::milliseconds idle_look_interval_;
  const bool closes_idle_;
  std::chrono::steady_clock::time_point last_sweep_{};
  std::chrono::steady_clock::time_point last_report_{};
  bool report_pending_ = false;
  size_t refused_over_limit_ = 0;
  size_t refused_out_of_descriptors_ = 0;
};

// The default --max-connections: what the descriptor limit leaves after a reserve for gRPC's
// own descriptors, at most 10,000 (about 20 KiB of gRPC memory each while idle).
size_t DefaultMaxConnections();

}  // namespace greeter

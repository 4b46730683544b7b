#pragma once

#include <grpcpp/resource_quota.h>
#include <grpcpp/server.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/call_record.h"
#include "server/connection_acceptor.h"
#include "server/connection_options.h"
#include "server/greeter_service.h"
#include "server/server_limits.h"
#include "server/server_tls.h"

namespace greeter {

struct ServerOptions {
  std::string listen = "localhost:50051";  // host:port; port 0 picks a free one
  ServerLimits limits;
  ConnectionOptions connection;
  ServerTls tls;
  int io_threads = 1;  // threads running asio: stream timers and signals
  // Lines about the server as a whole (connections refused), for the log; none when empty.
  std::function<void(const std::string&)> notice;
};

// A running greeter: the gRPC server, its service and the asio io_context its timers run on.
// Used by greeter-server and, on an ephemeral loopback port, by the tests.
class GreeterServer {
 public:
  // Starts serving; throws std::runtime_error when the address cannot be bound.
  GreeterServer(const ServerOptions& options, CallObserver observer);
  ~GreeterServer();  // shuts down at once if Shutdown was not called
  GreeterServer(const GreeterServer&) = delete;
  GreeterServer& operator=(const GreeterServer&) = delete;

  int port() const { return port_; }
  const CallReporter& calls() const { return service_.reporter(); }

  // Reports NOT_SERVING on the health service, stops accepting calls, lets those in flight finish
  // for up to `drain`, cancels the rest, and returns when every call is done. Idempotent. Blocks:
  // never call it from a gRPC reaction or an asio handler of this server (they are what it waits
  // for).
  void Shutdown(std::chrono::milliseconds drain);

 private:
  asio::io_context io_context_;
  asio::executor_work_guard<asio::io_context::executor_type> keep_running_;
  std::vector<std::thread> io_threads_;
  GreeterService service_;
  grpc::ResourceQuota resource_quota_{"greeter-server"};
  // TCP: greeter's own listener hands connections to gRPC (unix sockets: gRPC listens).
  std::optional<ConnectionAcceptor> acceptor_;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> grpc_acceptor_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::once_flag shutdown_once_;
};

}  // namespace greeter

#pragma once

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
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
#include "server/rooms/room_engine_choice.h"
#include "server/server_limits.h"
#include "server/server_tls.h"

namespace greeter {

struct ServerOptions {
  std::string listen = "localhost:50051";  // host:port; port 0 picks a free one
  ServerLimits limits;
  ConnectionOptions connection;
  ServerTls tls;
  int io_threads = 1;  // threads running asio: stream timers and signals
  // The chat rooms' engine: this process ("memory") or a Redis shared with other servers.
  // Its on_availability is GreeterServer's own (health).
  RoomEngineChoice rooms;
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

  // The health service name that reports the chat rooms: SERVING while rooms can be joined
  // (always, with the memory engine; while Redis is reachable, with the redis engine).
  // "" and greet.Greeter stay SERVING meanwhile: every call but a room's still works.
  static constexpr const char* kRoomsHealthService = "greet.Greeter.rooms";

  int port() const { return port_; }
  // Waits until rooms can be joined (at once with the memory engine; once Redis is reachable
  // with the redis engine); false after `timeout`. For tests and tools that start a server
  // and join at once.
  bool WaitForRooms(std::chrono::milliseconds timeout);
  const CallReporter& calls() const { return service_.reporter(); }

  // Reports NOT_SERVING on the health service, stops accepting calls, lets those in flight finish
  // for up to `drain`, cancels the rest, and returns when every call is done. Idempotent. Blocks:
  // never call it from a gRPC reaction or an asio handler of this server (they are what it waits
  // for).
  void Shutdown(std::chrono::milliseconds drain);

 private:
  std::string rooms_engine_;                        // for the notices
  std::function<void(const std::string&)> notice_;  // ServerOptions::notice
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
  // The room service's reachability, reported on kRoomsHealthService once the health service
  // exists, and never SERVING again once the drain began.
  void ReportRooms(bool reachable);
  std::mutex health_mutex_;
  std::condition_variable rooms_changed_;
  bool rooms_shared_ = false;
  grpc::HealthCheckServiceInterface* health_ = nullptr;
  bool rooms_reachable_ = false;
  bool draining_ = false;
};

}  // namespace greeter

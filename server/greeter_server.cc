#include "server/greeter_server.h"

#include <grpcpp/ext/channelz_service_plugin.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <stdexcept>

namespace greeter {
namespace {

// The standard services tools expect: grpc.health.v1 (grpc_health_probe, Kubernetes probes),
// reflection (grpcurl, evans) and channelz. gRPC adds them to every server built after these
// calls, so they run before the builder.
void EnableEcosystemServices() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::channelz::experimental::InitChannelzService();
}

// The service counts calls per connection itself (OpenCalls), for clients that never
// acknowledge the transport's limit. Twice that limit: a call the client has ended frees its
// stream at once but its place in greeter's count only when its reactor is done, and a
// well-behaved client's next call must not be refused in between.
ServerLimits LimitsOf(const ServerOptions& options) {
  ServerLimits limits = options.limits;
  limits.max_calls_per_connection =
      2 * static_cast<uint32_t>(std::max(1, options.connection.max_concurrent_streams));
  limits.room_presence_queue = 2 * std::max<size_t>(1, options.limits.max_room_members);
  return limits;
}

// The engine chosen, reporting its reachability to `report`.
RoomEngineChoice RoomsOf(const ServerOptions& options, std::function<void(bool)> report) {
  RoomEngineChoice rooms = options.rooms;
  rooms.on_availability = std::move(report);
  return rooms;
}

}  // namespace

GreeterServer::GreeterServer(const ServerOptions& options, CallObserver observer)
    : rooms_engine_(options.rooms.engine),
      notice_(options.notice),
      keep_running_(io_context_.get_executor()),
      service_(LimitsOf(options), io_context_, std::move(observer),
               RoomsOf(options, [this](bool reachable) { ReportRooms(reachable); })) {
  EnableEcosystemServices();
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 1);
  if (options.listen.starts_with("unix:")) {
    builder.AddListeningPort(options.listen, ServerCredentialsFor(options.tls), &port_);
  } else {
    const size_t max_connections = options.connection.max_connections > 0
                                       ? options.connection.max_connections
                                       : DefaultMaxConnections();
    acceptor_.emplace(io_context_, options.listen, max_connections, service_.open_calls(),
                      options.connection.max_connection_idle, options.notice);
    port_ = acceptor_->port();
    grpc_acceptor_ = builder.experimental().AddExternalConnectionAcceptor(
        grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD,
        ServerCredentialsFor(options.tls));
  }
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    io_threads_.emplace_back([this] { io_context_.run(); });
  }
  // gRPC sets SO_REUSEPORT by default: a second server would then share the port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  options.connection.ApplyTo(builder, /*grpc_closes_idle=*/!acceptor_);
  builder.SetMaxReceiveMessageSize(options.limits.max_receive_message_bytes);
  // gRPC's own memory (connections, streams, buffers) under one quota: under pressure its
  // transport refuses new streams and shrinks read buffers instead of growing without bound.
  resource_quota_.Resize(options.limits.memory_quota_bytes);
  builder.SetResourceQuota(resource_quota_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    // The redis engine keeps the io_context busy (its connections, its heartbeat) until closed.
    service_.rooms().CloseAll({grpc::StatusCode::UNAVAILABLE, "the server is shutting down"});
    keep_running_.reset();
    for (auto& thread : io_threads_) thread.join();
    throw std::runtime_error("cannot listen on " + options.listen);
  }
  if (acceptor_) acceptor_->Start(*grpc_acceptor_);
  // The default health service reports "" (the whole server) SERVING by itself; name ours too,
  // so a probe can ask for greet.Greeter.
  server_->GetHealthCheckService()->SetServingStatus(greet::Greeter::service_full_name(), true);
  server_->GetHealthCheckService()->SetServingStatus("", true);
  {
    std::lock_guard lock(health_mutex_);
    health_ = server_->GetHealthCheckService();
    rooms_shared_ = options.rooms.shared();
    health_->SetServingStatus(kRoomsHealthService, !options.rooms.shared() || rooms_reachable_);
  }
}

void GreeterServer::ReportRooms(bool reachable) {
  // An operator reads why rooms fail in the log, not only in the clients' statuses.
  if (notice_) {
    notice_(reachable ? "greeter-server: rooms: " + rooms_engine_ + " is reachable\n"
                      : "greeter-server: rooms: " + rooms_engine_ +
                            " is unreachable: room calls fail UNAVAILABLE until it is back "
                            "(reconnecting)\n");
  }
  {
    std::lock_guard lock(health_mutex_);
    rooms_reachable_ = reachable;
    if (health_ != nullptr && !draining_) health_->SetServingStatus(kRoomsHealthService, reachable);
  }
  rooms_changed_.notify_all();
}

bool GreeterServer::WaitForRooms(std::chrono::milliseconds timeout) {
  std::unique_lock lock(health_mutex_);
  return rooms_changed_.wait_for(lock, timeout, [&] { return !rooms_shared_ || rooms_reachable_; });
}

GreeterServer::~GreeterServer() { Shutdown(std::chrono::milliseconds(0)); }

void GreeterServer::Shutdown(std::chrono::milliseconds drain) {
  std::call_once(shutdown_once_, [&] {
    // First of all: probes and health watchers must see the drain before the port closes.
    {
      std::lock_guard lock(health_mutex_);
      draining_ = true;
      server_->GetHealthCheckService()->SetServingStatus(false);
    }
    // Chats never end by themselves: end them now, after what is queued to each member, so
    // the drain waits only for the calls that will end.
    service_.rooms().CloseAll({grpc::StatusCode::UNAVAILABLE, "the server is shutting down"});
    if (acceptor_) acceptor_->Stop();
    server_->Shutdown(std::chrono::system_clock::now() + drain);
    server_->Wait();
    // Every call is done; what is left on the io_context are the ends of cancelled waits,
    // which may hold the last reference to their reactor: let them run, then the threads end.
    keep_running_.reset();
    for (auto& thread : io_threads_) thread.join();
  });
}

}  // namespace greeter

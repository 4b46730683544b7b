#include "server/connection_acceptor.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/bind_executor.hpp>
#include <asio/post.hpp>
#include <cerrno>
#include <future>
#include <stdexcept>

namespace greeter {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;

// Past the limit, the list of open connections is checked at most this often: under a flood
// each refused connection must stay cheap.
constexpr auto kSweepInterval = 100ms;
constexpr auto kRetryAfterAcceptFailed = 50ms;
constexpr auto kReportInterval = 1s;
// How often idle connections are looked for: a quarter of the idle limit, within these.
constexpr auto kFewestIdleLooks = 15s;
constexpr auto kMostIdleLooks = 10ms;
constexpr int kAcceptsPerWakeUp = 64;  // then the other listeners and handlers get a turn
constexpr size_t kReservedDescriptors = 128;
constexpr size_t kMostDefaultConnections = 10'000;

// "host:port" to endpoints to bind: "[::1]" and "::1" alike; an empty host is every address.
std::vector<tcp::endpoint> EndpointsOf(asio::io_context& io_context, const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::vector<tcp::endpoint> endpoints;
  asio::error_code error;
  tcp::resolver resolver(io_context);
  const auto flags = tcp::resolver::passive | tcp::resolver::numeric_service;
  const auto results = host.empty() ? resolver.resolve(tcp::v6(), "", port, flags, error)
                                    : resolver.resolve(host, port, flags, error);
  if (error) throw std::runtime_error("cannot listen on " + listen + ": " + error.message());
  for (const auto& result : results) {
    if (std::find(endpoints.begin(), endpoints.end(), result.endpoint()) == endpoints.end()) {
      endpoints.push_back(result.endpoint());
    }
  }
  return endpoints;
}

bool OutOfResources(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace

size_t DefaultMaxConnections() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) {
    return kMostDefaultConnections;
  }
  const size_t available = static_cast<size_t>(files.rlim_cur);
  return std::clamp(
      available > 2 * kReservedDescriptors ? available - kReservedDescriptors : available / 2,
      size_t{1}, kMostDefaultConnections);
}

ConnectionAcceptor::ConnectionAcceptor(asio::io_context& io_context, const std::string& listen,
                                       size_t max_connections, OpenCalls& calls,
                                       std::chrono::milliseconds max_idle, Notice notice)
    : strand_(asio::make_strand(io_context)),
      report_timer_(strand_),
      idle_timer_(strand_),
      max_connections_(max_connections),
      notice_(std::move(notice)),
      open_(calls, max_idle),
      idle_look_interval_(
          std::clamp<std::chrono::milliseconds>(max_idle / 4, kMostIdleLooks, kFewestIdleLooks)),
      closes_idle_(max_idle.count() > 0) {
  std::string last_error = "no address";
  const auto endpoints = EndpointsOf(io_context, listen);
  for (auto endpoint : endpoints) {
    if (port_ != 0) endpoint.port(static_cast<unsigned short>(port_));  // one port for all
    auto listener =
        std::make_unique<Listener>(Listener{tcp::acceptor(strand_), asio::steady_timer(strand_)});
    asio::error_code error;
    listener->socket.open(endpoint.protocol(), error);
    // asio opens without close-on-exec: a child process would keep the port bound.
    if (!error) fcntl(listener->socket.native_handle(), F_SETFD, FD_CLOEXEC);
    if (!error) listener->socket.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) listener->socket.bind(endpoint, error);
    if (!error) listener->socket.listen(asio::socket_base::max_listen_connections, error);
    if (!error) listener->socket.non_blocking(true, error);
    if (error) {
      // The address only when the name had several: else it repeats what --listen said.
      last_error =
          (endpoints.size() > 1 ? endpoint.address().to_string() + ": " : "") + error.message();
      continue;
    }
    port_ = listener->socket.local_endpoint().port();
    listeners_.push_back(std::move(listener));
  }
  if (listeners_.empty())
    throw std::runtime_error("cannot listen on " + listen + ": " + last_error);
  spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

ConnectionAcceptor::~ConnectionAcceptor() {
  if (spare_fd_ >= 0) close(spare_fd_);
}

void ConnectionAcceptor::Start(grpc::experimental::ExternalConnectionAcceptor& grpc) {
  asio::post(strand_, [this, &grpc] {
    grpc_ = &grpc;
    for (auto& listener : listeners_) WaitForConnections(*listener);
    if (closes_idle_) LookForIdleConnections();
  });
}

void ConnectionAcceptor::Stop() {
  std::promise<void> stopped;
  asio::post(strand_, [&] {
    stopped_ = true;
    for (auto& listener : listeners_) {
      asio::error_code ignored;
      listener->socket.close(ignored);
      listener->retry.cancel();
    }
    report_timer_.cancel();
    idle_timer_.cancel();
    stopped.set_value();
  });
  stopped.get_future().wait();
}

void ConnectionAcceptor::WaitForConnections(Listener& listener) {
  listener.socket.async_wait(tcp::acceptor::wait_read, [this, &listener](asio::error_code error) {
    if (stopped_ || error) return;
    AcceptWaiting(listener);
  });
}

void ConnectionAcceptor::AcceptWaiting(Listener& listener) {
  for (int accepted = 0; accepted < kAcceptsPerWakeUp; ++accepted) {
    const int fd =
        accept4(listener.socket.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(listener, fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    // Out of descriptors or memory (or another failure accept may report): never give up on
    // the listener; refuse what waits and look again shortly.
    if (OutOfResources(errno)) ShedOneWaiting(listener);
    listener.retry.expires_after(kRetryAfterAcceptFailed);
    listener.retry.async_wait([this, &listener](asio::error_code error) {
      if (!stopped_ && !error) AcceptWaiting(listener);
    });
    return;
  }
  WaitForConnections(listener);
}

void ConnectionAcceptor::Admit(Listener& listener, int fd) {
  if (open_.count() >= max_connections_) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sweep_ >= kSweepInterval) {
      open_.ForgetClosed();
      last_sweep_ = now;
    }
  }
  if (open_.count() >= max_connections_) {
    close(fd);
    CountRefused(false);
    return;
  }
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // as gRPC's own listener does
  open_.Add(fd, std::chrono::steady_clock::now());
  grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters connection;
  connection.listener_fd = listener.socket.native_handle();
  connection.fd = fd;
  grpc_->HandleNewConnection(&connection);
}

void ConnectionAcceptor::LookForIdleConnections() {
  idle_timer_.expires_after(idle_look_interval_);
  idle_timer_.async_wait([this](asio::error_code error) {
    if (stopped_ || error) return;
    const auto now = std::chrono::steady_clock::now();
    open_.ForgetClosed();
    last_sweep_ = now;
    open_.CloseIdle(now);
    LookForIdleConnections();
  });
}

void ConnectionAcceptor::ShedOneWaiting(Listener& listener) {
  if (spare_fd_ < 0) return;
  close(spare_fd_);
  const int fd = accept4(listener.socket.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    CountRefused(true);
  }
  spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void ConnectionAcceptor::CountRefused(bool out_of_descriptors) {
  ++(out_of_descriptors ? refused_out_of_descriptors_ : refused_over_limit_);
  if (report_pending_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_report_ >= kReportInterval) {
    Report();
    return;
  }
  report_pending_ = true;
  report_timer_.expires_at(last_report_ + kReportInterval);
  report_timer_.async_wait([this](asio::error_code error) {
    report_pending_ = false;
    if (!error) Report();
  });
}

void ConnectionAcceptor::Report() {
  last_report_ = std::chrono::steady_clock::now();
  std::string line = "greeter-server: connections refused:";
  if (refused_over_limit_ > 0) {
    line += " " + std::to_string(refused_over_limit_) + " over --max-connections " +
            std::to_string(max_connections_);
  }
  if (refused_out_of_descriptors_ > 0) {
    line += std::string(refused_over_limit_ > 0 ? "," : "") + " " +
            std::to_string(refused_out_of_descriptors_) +
            " for want of file descriptors (raise RLIMIT_NOFILE or lower --max-connections)";
  }
  refused_over_limit_ = refused_out_of_descriptors_ = 0;
  if (notice_) notice_(line + "\n");
}

}  // namespace greeter

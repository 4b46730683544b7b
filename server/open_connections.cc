#include "server/open_connections.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <unordered_map>

#include "common/channelz_socket.h"

namespace greeter {
namespace {

std::optional<ino_t> SocketInode(int fd) {
  struct stat status {};
  if (fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) return std::nullopt;
  return status.st_ino;
}

std::string LocalPortOf(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "";
  const in_port_t port = address.ss_family == AF_INET6
                             ? reinterpret_cast<const sockaddr_in6&>(address).sin6_port
                             : reinterpret_cast<const sockaddr_in&>(address).sin_port;
  return ":" + std::to_string(ntohs(port));
}

}  // namespace

OpenConnections::OpenConnections(OpenCalls& calls, std::chrono::milliseconds max_idle)
    : calls_(calls), max_idle_(max_idle) {}

void OpenConnections::Add(int fd, Clock::time_point now) {
  const auto inode = SocketInode(fd);
  if (!inode) return;
  // An entry under the same number is a connection already closed: its number was reused.
  if (auto old = by_fd_.find(fd); old != by_fd_.end()) {
    if (old->second.peer) calls_.Forget(old->second.peer->call_peer);
    by_fd_.erase(old);
  }
  Connection connection;
  connection.inode = *inode;
  connection.busy_at = now;
  if (max_idle_.count() > 0) {
    connection.peer = PeerNamesOf(fd);
    connection.local_port = LocalPortOf(fd);
    if (connection.peer) {
      calls_.Track(connection.peer->call_peer);
      connection.calls_started = calls_.CallsOf(connection.peer->call_peer).started;
    }
  }
  by_fd_.emplace(fd, std::move(connection));
}

void OpenConnections::ForgetClosed() {
  std::erase_if(by_fd_, [this](const auto& entry) {
    const auto inode = SocketInode(entry.first);
    const bool closed = !inode || *inode != entry.second.inode;
    if (closed && entry.second.peer) calls_.Forget(entry.second.peer->call_peer);
    return closed;
  });
}

void OpenConnections::CloseIdle(Clock::time_point now) {
  std::vector<Candidate> candidates;
  for (auto& [fd, connection] : by_fd_) {
    if (connection.shut_down || !connection.peer) continue;
    const auto calls = calls_.CallsOf(connection.peer->call_peer);
    // A call open at the last look ended since: idle from this look on, not from that one.
    if (calls.open > 0 || connection.call_open || calls.started != connection.calls_started) {
      connection.calls_started = calls.started;
      connection.call_open = calls.open > 0;
      connection.busy_at = now;
      connection.streams_started.reset();  // gRPC's count is read afresh when idle again
      continue;
    }
    if (now - connection.busy_at >= max_idle_) candidates.push_back({fd, &connection});
  }
  if (!candidates.empty()) CloseIfGrpcAgrees(candidates, now);
}

void OpenConnections::CloseIfGrpcAgrees(const std::vector<Candidate>& candidates,
                                        Clock::time_point now) {
  // A connection's socket in channelz is found once, among all of them, then read by its id:
  // a look costs a read per candidate, not one per connection of the server.
  std::unordered_map<std::string, ChannelzSocket> listed;
  const bool someone_unfound =
      std::any_of(candidates.begin(), candidates.end(),
                  [](const Candidate& c) { return !c.connection->socket_id; });
  if (someone_unfound) {
    for (auto& socket : ReadServerSockets()) {
      const auto colon = socket.local.rfind(':');
      if (colon == std::string::npos) continue;  // not TCP
      // By "local port, remote address": a client port may connect to two servers at once.
      listed.emplace(socket.local.substr(colon) + " " + socket.remote, std::move(socket));
    }
  }
  for (const auto& [fd, connection] : candidates) {
    std::optional<ChannelzSocket> socket;
    if (connection->socket_id) {
      socket = ReadChannelzSocket(*connection->socket_id);
    } else if (const auto found =
                   listed.find(connection->local_port + " " + connection->peer->address);
               found != listed.end()) {
      socket = std::move(found->second);
      connection->socket_id = socket->id;
    }
    // No socket in channelz: no transport (yet, or any more), so no stream either.
    if (socket) {
      const bool first_look = !connection->streams_started;
      const bool changed = !first_look && *connection->streams_started != socket->streams_started;
      connection->streams_started = socket->streams_started;
      if (OpenStreams(*socket) > 0 || changed) {
        connection->busy_at = now;
        continue;
      }
      if (first_look) continue;  // streams may have come and gone since: judged next time
    }
    // Still this connection: gRPC may have closed it, and the number gone to another socket
    // (a window of microseconds remains between this check and the shutdown).
    if (SocketInode(fd) != connection->inode) continue;
    // gRPC reads the end of the stream, closes the transport and the descriptor.
    shutdown(fd, SHUT_RDWR);
    connection->shut_down = true;
  }
}

}  // namespace greeter

#include "server/open_connections.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include "server/peer_address.h"

namespace greeter {
namespace {

std::optional<ino_t> SocketInode(int fd) {
  struct stat status {};
  if (fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) return std::nullopt;
  return status.st_ino;
}

}  // namespace

OpenConnections::OpenConnections(OpenCalls& calls, std::chrono::milliseconds max_idle)
    : calls_(calls), max_idle_(max_idle) {}

void OpenConnections::Add(int fd, Clock::time_point now) {
  const auto inode = SocketInode(fd);
  if (!inode) return;
  // An entry under the same number is a connection already closed: its number was reused.
  if (auto old = by_fd_.find(fd); old != by_fd_.end()) {
    if (old->second.peer) calls_.Forget(*old->second.peer);
    by_fd_.erase(old);
  }
  Connection connection{*inode, std::nullopt, 0, false, now, false};
  if (max_idle_.count() > 0) {
    connection.peer = GrpcPeerOf(fd);
    if (connection.peer) {
      calls_.Track(*connection.peer);
      connection.calls_started = calls_.CallsOf(*connection.peer).started;
    }
  }
  by_fd_.emplace(fd, std::move(connection));
}

void OpenConnections::ForgetClosed() {
  std::erase_if(by_fd_, [this](const auto& entry) {
    const auto inode = SocketInode(entry.first);
    const bool closed = !inode || *inode != entry.second.inode;
    if (closed && entry.second.peer) calls_.Forget(*entry.second.peer);
    return closed;
  });
}

void OpenConnections::CloseIdle(Clock::time_point now) {
  for (auto& [fd, connection] : by_fd_) {
    if (connection.shut_down || !connection.peer) continue;
    const auto calls = calls_.CallsOf(*connection.peer);
    // A call open at the last look ended since: idle from this look on, not from that one.
    if (calls.open > 0 || connection.call_open || calls.started != connection.calls_started) {
      connection.calls_started = calls.started;
      connection.call_open = calls.open > 0;
      connection.busy_at = now;
      continue;
    }
    if (now - connection.busy_at < max_idle_) continue;
    // Still this connection: gRPC may have closed it, and the number gone to another socket.
    if (SocketInode(fd) != connection.inode) continue;
    // gRPC reads the end of the stream, closes the transport and the descriptor.
    shutdown(fd, SHUT_RDWR);
    connection.shut_down = true;
  }
}

}  // namespace greeter

#include "server/open_connections.h"

#include <sys/stat.h>

#include <optional>

namespace greeter {
namespace {

std::optional<ino_t> SocketInode(int fd) {
  struct stat status {};
  if (fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) return std::nullopt;
  return status.st_ino;
}

}  // namespace

void OpenConnections::Add(int fd) {
  // An entry under the same number is a connection already closed: its number was reused.
  if (auto inode = SocketInode(fd)) inode_by_fd_[fd] = *inode;
}

void OpenConnections::ForgetClosed() {
  std::erase_if(inode_by_fd_, [](const auto& entry) {
    const auto inode = SocketInode(entry.first);
    return !inode || *inode != entry.second;
  });
}

}  // namespace greeter

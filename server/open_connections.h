#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <unordered_map>

namespace greeter {

// The connections greeter accepted and handed to gRPC that are still open. gRPC closes a
// connection's descriptor without telling anyone, so an entry is the descriptor and its socket's
// inode: the connection is open while that descriptor still names that socket (a closed number
// reused for another file names another inode). Not thread-safe: ConnectionAcceptor's strand
// owns it.
class OpenConnections {
 public:
  void Add(int fd);
  size_t count() const { return inode_by_fd_.size(); }
  // Forgets the connections gRPC has closed; O(count) system calls.
  void ForgetClosed();

 private:
  std::unordered_map<int, ino_t> inode_by_fd_;
};

}  // namespace greeter

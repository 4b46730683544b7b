#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/open_calls.h"

namespace greeter {

// The connections greeter accepted and handed to gRPC that are still open. gRPC closes a
// connection's descriptor without telling anyone, so an entry is the descriptor and its socket's
// inode: the connection is open while that descriptor still names that socket (a closed number
// reused for another file names another inode). Not thread-safe: ConnectionAcceptor's strand
// owns it.
//
// With a `max_idle` it also closes the connections that have had no call open for that long
// (--max-connection-idle), judged from `calls` each time CloseIdle looks. greeter does this
// itself, not gRPC: gRPC 1.51's idle filter costs every call about 4,600 instructions (8 % of
// a unary call) and every streamed message some more.
class OpenConnections {
 public:
  using Clock = std::chrono::steady_clock;

  OpenConnections(OpenCalls& calls, std::chrono::milliseconds max_idle);

  void Add(int fd, Clock::time_point now);
  size_t count() const { return by_fd_.size(); }
  // Forgets the connections gRPC has closed; O(count) system calls.
  void ForgetClosed();
  // Shuts down the connections idle for max_idle or longer: no call open at this look or the
  // last, and none started in between. Called every max_idle / 4 or so, a connection goes
  // between max_idle and 1.5 × max_idle after its last call ended. Without a GOAWAY (the
  // public API has no way to ask gRPC for one): a call its client starts in the very moment
  // fails UNAVAILABLE.
  void CloseIdle(Clock::time_point now);

 private:
  struct Connection {
    ino_t inode;
    std::optional<std::string> peer;  // as OpenCalls knows it; none: not judged idle
    uint32_t calls_started;           // at the last look
    bool call_open;                   // at the last look
    Clock::time_point busy_at;        // the last look that found it busy (or its accept)
    bool shut_down;
  };

  OpenCalls& calls_;
  const std::chrono::milliseconds max_idle_;
  std::unordered_map<int, Connection> by_fd_;
};

}  // namespace greeter

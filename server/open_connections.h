#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/open_calls.h"
#include "server/peer_address.h"

namespace greeter {

// The connections greeter accepted and handed to gRPC that are still open. gRPC closes a
// connection's descriptor without telling anyone, so an entry is the descriptor and its socket's
// inode: the connection is open while that descriptor still names that socket (a closed number
// reused for another file names another inode). Not thread-safe: ConnectionAcceptor's strand
// owns it.
//
// With a `max_idle` it also closes the connections that have had no call open for that long
// (--max-connection-idle). greeter does this itself, not gRPC: gRPC 1.51's idle filter costs
// every call about 4,700 instructions (8 % of a unary call) and every streamed message some
// more. A connection is judged first by greeter's own count of its calls (OpenCalls, free),
// then, once that says idle for max_idle, by gRPC's count of its streams (channelz), which also
// sees the calls greeter does not handle (health Watch, reflection, channelz) and a call whose
// request is still arriving.
class OpenConnections {
 public:
  using Clock = std::chrono::steady_clock;

  OpenConnections(OpenCalls& calls, std::chrono::milliseconds max_idle);

  void Add(int fd, Clock::time_point now);
  size_t count() const { return by_fd_.size(); }
  // Forgets the connections gRPC has closed; O(count) system calls.
  void ForgetClosed();
  // Shuts down the connections idle for max_idle or longer: no call open and none started
  // since the look that last found one, by greeter's count and by gRPC's. Called every
  // max_idle / 4 or so, a connection goes between max_idle and 2 × max_idle after its last call
  // ended. Without a GOAWAY (the public API has no way to ask gRPC for one): a call its client
  // starts in that very moment fails UNAVAILABLE.
  void CloseIdle(Clock::time_point now);

 private:
  struct Connection {
    ino_t inode = 0;
    std::optional<PeerNames> peer;  // none: not judged idle
    // ":50051": this server's end, to tell its sockets in channelz from another server's in the
    // same process (a client port may serve connections to both).
    std::string local_port;
    uint32_t calls_started = 0;        // by greeter's count, at the last look
    bool call_open = false;            // by greeter's count, at the last look
    std::optional<int64_t> socket_id;  // its socket in channelz, once found
    // By gRPC's count, at the last look that read it (none yet: the next one judges).
    std::optional<uint64_t> streams_started;
    Clock::time_point busy_at;  // the last look that found it busy (or its accept)
    bool shut_down = false;
  };
  struct Candidate {
    int fd;
    Connection* connection;
  };
  void CloseIfGrpcAgrees(const std::vector<Candidate>& candidates, Clock::time_point now);

  OpenCalls& calls_;
  const std::chrono::milliseconds max_idle_;
  std::unordered_map<int, Connection> by_fd_;
};

}  // namespace greeter

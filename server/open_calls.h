#pragma once

#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <variant>

namespace greeter {

// Greeter's own count of open calls, per connection (a connection is a peer address) and on
// the whole server.
// - Per connection: gRPC 1.51 enforces SETTINGS_MAX_CONCURRENT_STREAMS only once the client has
//   acknowledged the server's SETTINGS; a client that never does can open any number of
//   streams. Past `per_connection_limit`, calls are refused here instead.
// - Server-wide: every open call costs gRPC memory (about 18 KiB idle) and, on Debian's
//   libgrpc (built with its debug checks on), time in every completion of every other call:
//   each looks its tag up among all pending operations, one by one. Past `open_limit`, calls
//   are refused, so that no number of clients can take the server past that budget.
// It also tells greeter's own listener whether a connection it accepted has been idle
// (Track, CallsOf), for --max-connection-idle.
class OpenCalls {
 public:
  OpenCalls(uint32_t per_connection_limit, uint32_t open_limit)
      : per_connection_limit_(per_connection_limit), open_limit_(open_limit) {}

  // A call's place, on its connection and on the server, until destroyed.
  class Slot {
   public:
    Slot(OpenCalls* calls, std::string peer) : calls_(calls), peer_(std::move(peer)) {}
    Slot(Slot&& other) noexcept : calls_(other.calls_), peer_(std::move(other.peer_)) {
      other.calls_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (calls_) calls_->Leave(peer_);
    }
    const std::string& peer() const { return peer_; }

   private:
    OpenCalls* calls_;
    std::string peer_;
  };

  // A place for one more call from `peer`, or the refusal (RESOURCE_EXHAUSTED, saying which
  // limit) when its connection or the server has as many open as it may.
  std::variant<Slot, grpc::Status> TryEnter(std::string peer);

  // A connection greeter accepted from `peer`: its entry stays while it is open, with no call
  // too, so that CallsOf can tell whether it has been idle. Forget once it has closed.
  void Track(const std::string& peer);
  void Forget(const std::string& peer);
  struct ConnectionCalls {
    uint32_t open = 0;
    uint32_t started = 0;  // ever, wrapping: a change since the last look means a call came
  };
  ConnectionCalls CallsOf(const std::string& peer);

 private:
  struct Connection {
    ConnectionCalls calls;
    uint32_t accepted = 0;  // connections tracked under this peer (its port may be reused)
  };
  // Shards keep calls on different connections from contending for one lock.
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Connection> connections_by_peer;
  };
  // Mutex held: an entry nothing needs any more goes.
  static void EraseIfUnused(Shard& shard, std::unordered_map<std::string, Connection>::iterator);
  Shard& ShardOf(const std::string& peer);
  void Leave(const std::string& peer);
  void LeaveConnection(const std::string& peer);
  grpc::Status ConnectionRefusal() const;
  grpc::Status ServerRefusal() const;

  const uint32_t per_connection_limit_;
  const uint32_t open_limit_;
  std::atomic<uint32_t> open_{0};  // on the whole server: a counter, not a lock
  std::array<Shard, 16> shards_;
};

}  // namespace greeter

#pragma once

#include <grpcpp/support/status.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace greeter {

// Greeter's own count of calls in flight per connection (a connection is a peer address).
// gRPC 1.51 enforces SETTINGS_MAX_CONCURRENT_STREAMS only once the client has acknowledged the
// server's SETTINGS; a client that never does can open any number of streams. Past `limit`,
// calls are refused here instead.
class ConnectionCalls {
 public:
  explicit ConnectionCalls(uint32_t limit) : limit_(limit) {}

  // A call's place on its connection, until destroyed.
  class Slot {
   public:
    Slot(ConnectionCalls* calls, std::string peer) : calls_(calls), peer_(std::move(peer)) {}
    Slot(Slot&& other) noexcept : calls_(other.calls_), peer_(std::move(other.peer_)) {
      other.calls_ = nullptr;
    }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (calls_) calls_->Leave(peer_);
    }
    const std::string& peer() const { return peer_; }

   private:
    ConnectionCalls* calls_;
    std::string peer_;
  };

  // A slot for one more call from `peer`, or nothing when it has `limit` in flight already.
  std::optional<Slot> TryEnter(std::string peer);

  // RESOURCE_EXHAUSTED, saying why: for a call TryEnter refused.
  grpc::Status Refusal() const;

 private:
  // Shards keep calls on different connections from contending for one lock.
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, uint32_t> calls_by_peer;
  };
  Shard& ShardOf(const std::string& peer);
  void Leave(const std::string& peer);

  const uint32_t limit_;
  std::array<Shard, 16> shards_;
};

}  // namespace greeter

#include "server/open_calls.h"

#include <functional>

namespace greeter {

OpenCalls::Shard& OpenCalls::ShardOf(const std::string& peer) {
  return shards_[std::hash<std::string>{}(peer) % shards_.size()];
}

std::variant<OpenCalls::Slot, grpc::Status> OpenCalls::TryEnter(std::string peer) {
  if (open_.fetch_add(1, std::memory_order_relaxed) >= open_limit_) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    return ServerRefusal();
  }
  Shard& shard = ShardOf(peer);
  {
    std::lock_guard lock(shard.mutex);
    uint32_t& calls = shard.calls_by_peer[peer];
    if (calls >= per_connection_limit_) {  // the entry stays: a call of its own holds it
      open_.fetch_sub(1, std::memory_order_relaxed);
      return ConnectionRefusal();
    }
    ++calls;
  }
  return Slot(this, std::move(peer));
}

void OpenCalls::Leave(const std::string& peer) {
  {
    Shard& shard = ShardOf(peer);
    std::lock_guard lock(shard.mutex);
    auto entry = shard.calls_by_peer.find(peer);
    if (entry != shard.calls_by_peer.end() && --entry->second == 0) {
      shard.calls_by_peer.erase(entry);
    }
  }
  open_.fetch_sub(1, std::memory_order_relaxed);
}

grpc::Status OpenCalls::ConnectionRefusal() const {
  return {grpc::StatusCode::RESOURCE_EXHAUSTED,
          "this connection already has " + std::to_string(per_connection_limit_) +
              " calls in flight, twice --max-concurrent-streams (its client ignores the "
              "server's SETTINGS); wait for one to end"};
}

grpc::Status OpenCalls::ServerRefusal() const {
  return {grpc::StatusCode::RESOURCE_EXHAUSTED,
          "the server already has " + std::to_string(open_limit_) +
              " calls open, all it takes (--max-open-calls); try again when some have ended"};
}

}  // namespace greeter

#include "server/connection_calls.h"

#include <functional>

namespace greeter {

ConnectionCalls::Shard& ConnectionCalls::ShardOf(const std::string& peer) {
  return shards_[std::hash<std::string>{}(peer) % shards_.size()];
}

std::optional<ConnectionCalls::Slot> ConnectionCalls::TryEnter(std::string peer) {
  Shard& shard = ShardOf(peer);
  {
    std::lock_guard lock(shard.mutex);
    uint32_t& calls = shard.calls_by_peer[peer];
    if (calls >= limit_) return std::nullopt;  // the entry stays: a call of its own holds it
    ++calls;
  }
  return Slot(this, std::move(peer));
}

void ConnectionCalls::Leave(const std::string& peer) {
  Shard& shard = ShardOf(peer);
  std::lock_guard lock(shard.mutex);
  auto entry = shard.calls_by_peer.find(peer);
  if (entry != shard.calls_by_peer.end() && --entry->second == 0) {
    shard.calls_by_peer.erase(entry);
  }
}

grpc::Status ConnectionCalls::Refusal() const {
  return {grpc::StatusCode::RESOURCE_EXHAUSTED,
          "this connection already has " + std::to_string(limit_) +
              " calls in flight, twice --max-concurrent-streams (its client ignores the "
              "server's SETTINGS); wait for one to end"};
}

}  // namespace greeter

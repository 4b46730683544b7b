#include "server/open_calls.h"

#include <functional>

namespace greeter {

OpenCalls::Shard& OpenCalls::ShardOf(const std::string& peer) {
  return shards_[std::hash<std::string>{}(peer) % shards_.size()];
}

std::variant<OpenCalls::Slot, grpc::Status> OpenCalls::TryEnter(std::string peer) {
  Shard& shard = ShardOf(peer);
  {
    std::lock_guard lock(shard.mutex);
    ConnectionCalls& calls = shard.connections_by_peer[peer].calls;
    // Refused: the entry stays, as calls of its own hold it.
    if (calls.open >= per_connection_limit_) return ConnectionRefusal();
    ++calls.open;
    ++calls.started;
  }
  // Never past the limit, not even for a moment: a call refused here takes no other's place.
  uint32_t open = open_.load(std::memory_order_relaxed);
  do {
    if (open >= open_limit_) {
      LeaveConnection(peer);
      return ServerRefusal();
    }
  } while (!open_.compare_exchange_weak(open, open + 1, std::memory_order_relaxed));
  return Slot(this, std::move(peer));
}

void OpenCalls::LeaveConnection(const std::string& peer) {
  Shard& shard = ShardOf(peer);
  std::lock_guard lock(shard.mutex);
  auto entry = shard.connections_by_peer.find(peer);
  if (entry == shard.connections_by_peer.end()) return;
  --entry->second.calls.open;
  EraseIfUnused(shard, entry);
}

void OpenCalls::EraseIfUnused(Shard& shard,
                              std::unordered_map<std::string, Connection>::iterator entry) {
  if (entry->second.calls.open == 0 && entry->second.accepted == 0) {
    shard.connections_by_peer.erase(entry);
  }
}

void OpenCalls::Track(const std::string& peer) {
  Shard& shard = ShardOf(peer);
  std::lock_guard lock(shard.mutex);
  ++shard.connections_by_peer[peer].accepted;
}

void OpenCalls::Forget(const std::string& peer) {
  Shard& shard = ShardOf(peer);
  std::lock_guard lock(shard.mutex);
  auto entry = shard.connections_by_peer.find(peer);
  if (entry == shard.connections_by_peer.end() || entry->second.accepted == 0) return;
  --entry->second.accepted;
  EraseIfUnused(shard, entry);
}

OpenCalls::ConnectionCalls OpenCalls::CallsOf(const std::string& peer) {
  Shard& shard = ShardOf(peer);
  std::lock_guard lock(shard.mutex);
  auto entry = shard.connections_by_peer.find(peer);
  return entry == shard.connections_by_peer.end() ? ConnectionCalls{} : entry->second.calls;
}

void OpenCalls::Leave(const std::string& peer) {
  LeaveConnection(peer);
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

#pragma once

#include <grpcpp/support/status.h>

#include <atomic>
#include <cstddef>
#include <optional>

namespace greeter {

// The server-wide budget for replies that are built and wait for a slow reader: bytes claimed
// when a reply is made, given back when gRPC has taken it (its write is done) or the call ends.
// A client that never reads can hold at most this much, whatever it asks for.
class ReplyMemory {
 public:
  explicit ReplyMemory(size_t budget_bytes) : budget_(budget_bytes) {}

  // `bytes` of the budget, until destroyed.
  class Claim {
   public:
    Claim() = default;
    Claim(ReplyMemory* memory, size_t bytes) : memory_(memory), bytes_(bytes) {}
    Claim(Claim&& other) noexcept : memory_(other.memory_), bytes_(other.bytes_) {
      other.memory_ = nullptr;
    }
    Claim& operator=(Claim&& other) noexcept {
      if (this != &other) {
        Release();
        memory_ = other.memory_;
        bytes_ = other.bytes_;
        other.memory_ = nullptr;
      }
      return *this;
    }
    ~Claim() { Release(); }
    void Release() {
      if (memory_) memory_->in_use_.fetch_sub(bytes_, std::memory_order_relaxed);
      memory_ = nullptr;
    }

   private:
    ReplyMemory* memory_ = nullptr;
    size_t bytes_ = 0;
  };

  // A claim on `bytes`, or nothing when the budget cannot hold them.
  std::optional<Claim> TryClaim(size_t bytes) {
    size_t used = in_use_.load(std::memory_order_relaxed);
    do {
      if (used + bytes > budget_) return std::nullopt;
    } while (!in_use_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return Claim(this, bytes);
  }

  // RESOURCE_EXHAUSTED, saying why: for a reply that TryClaim could not place.
  grpc::Status Refusal() const;

  size_t budget() const { return budget_; }
  size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  const size_t budget_;
  std::atomic<size_t> in_use_{0};
};

}  // namespace greeter

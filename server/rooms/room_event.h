#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <memory>

#include "greet.pb.h"

namespace greeter {

// One event of a room, built and serialized once and queued by reference to every member: a
// text said to a thousand members is in memory once.
class RoomEvent {
 public:
  explicit RoomEvent(greet::HelloReply reply);

  const greet::HelloReply& reply() const { return reply_; }
  // Texts are what a slow consumer is judged by; presence (joins, leaves) is counted apart.
  bool is_text() const { return reply_.event() == greet::MESSAGE; }
  // What one member is sent: the shared bytes, then that member's own HelloReply.sequence.
  // Protobuf merges concatenated messages (a later field wins), so no per-member copy of the
  // event is made.
  // Made into `bytes` (see SerializeReply for why not returned).
  void WriteFor(uint32_t member_sequence, grpc::ByteBuffer& bytes) const;

 private:
  greet::HelloReply reply_;
  grpc::Slice wire_;
};

using SharedRoomEvent = std::shared_ptr<const RoomEvent>;

}  // namespace greeter

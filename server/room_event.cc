#include "server/room_event.h"

namespace greeter {

RoomEvent::RoomEvent(greet::HelloReply reply)
    : reply_(std::move(reply)), wire_(reply_.SerializeAsString()) {}

grpc::ByteBuffer RoomEvent::WireFor(uint32_t member_sequence) const {
  greet::HelloReply own;
  own.set_sequence(member_sequence);
  const grpc::Slice slices[] = {wire_, grpc::Slice(own.SerializeAsString())};
  return grpc::ByteBuffer(slices, 2);
}

}  // namespace greeter

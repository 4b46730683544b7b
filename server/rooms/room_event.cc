#include "server/rooms/room_event.h"

#include <google/protobuf/wire_format_lite.h>

namespace greeter {

RoomEvent::RoomEvent(greet::HelloReply reply)
    : reply_(std::move(reply)), wire_(reply_.SerializeAsString()) {}

void RoomEvent::WriteFor(uint32_t member_sequence, grpc::ByteBuffer& bytes) const {
  // HelloReply.sequence encoded by protobuf itself (tag, varint) into a few bytes on the stack:
  // this runs once per member per event.
  using google::protobuf::internal::WireFormatLite;
  uint8_t tail[1 + 5];  // a one-byte tag, and a 32-bit varint of at most 5 bytes
  const uint8_t* end = WireFormatLite::WriteUInt32ToArray(greet::HelloReply::kSequenceFieldNumber,
                                                          member_sequence, tail);
  const grpc::Slice slices[] = {wire_, grpc::Slice(tail, static_cast<size_t>(end - tail))};
  grpc::ByteBuffer made(slices, 2);
  bytes.Swap(&made);  // not assigned: that would copy (ByteBuffer has no move assignment)
}

}  // namespace greeter

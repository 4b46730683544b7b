#pragma once

#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "client/wire/frame.h"

namespace greeter::wire {

// The gRPC messages of one direction of one stream, cut out of its DATA payloads: each is a
// 5-byte prefix (compressed flag, 4-byte big-endian length) and that many bytes, which may
// span frames, several to a frame.
class GrpcMessageReader {
 public:
  // `type`: the protobuf type of the messages (the method's request or reply), or null to
  // show them as bytes.
  explicit GrpcMessageReader(const google::protobuf::Descriptor* type) : type_(type) {}

  // The messages completed by this DATA payload (without its padding).
  std::vector<GrpcMessage> Feed(std::span<const uint8_t> data);
  // Bytes held of a message not yet complete.
  uint32_t partial_bytes() const;

  // Messages longer than this are counted, not kept or decoded: memory stays bounded.
  static constexpr uint32_t kMaxDecodedLength = 1 << 20;

 private:
  GrpcMessage Finish();

  const google::protobuf::Descriptor* type_;
  uint8_t prefix_[5] = {};
  size_t prefix_filled_ = 0;
  uint32_t body_seen_ = 0;  // bytes of the current message's body seen so far
  std::string body_;        // kept only while the message is small enough to decode
};

// The request (sent) or reply (received) type of the method a stream's :path names, e.g.
// "/greet.Greeter/SayHello", from protobuf's generated pool; null for a method not linked in.
const google::protobuf::Descriptor* MessageTypeOf(const std::string& path, Direction direction);

}  // namespace greeter::wire

#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace greeter::wire {

// Which way a frame went, as the client sees it.
enum class Direction { kSent, kReceived };

// What a header block is to the call it belongs to.
enum class HeaderRole {
  kNone,
  kRequestHeaders,
  kResponseHeaders,
  kTrailers,
  kTrailersOnly,  // a response of trailers alone: the call failed before any reply
};

// One gRPC message (5-byte prefix and its bytes) found in a stream's DATA.
struct GrpcMessage {
  uint32_t length = 0;  // of the message, without its prefix
  bool compressed = false;
  // The message decoded as its method's request or reply type; null when the method is not
  // known here, the message is compressed, or it does not parse: then `bytes` holds it.
  std::shared_ptr<const google::protobuf::Message> decoded;
  std::string bytes;
  std::string note;  // why it is not decoded, when it is not
};

// What a PING is for, as far as the frames around it tell (gRPC's PING frames look alike):
// a BDP probe follows DATA its sender has just read (gRPC measures the connection's bandwidth
// to size its windows); a keepalive comes after its sender has read nothing for a while. An
// ACK has the purpose of the PING it answers.
enum class PingPurpose { kUnknown, kKeepalive, kBdpProbe };

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One HTTP/2 frame (RFC 9113 section 4.1) of one direction, decoded; or the connection preface.
struct Frame {
  double t_ms = 0;  // since the connection opened
  Direction direction = Direction::kSent;
  bool preface = false;  // the client's 24-byte connection preface, not a frame
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream = 0;
  uint32_t length = 0;  // of the payload, as the frame header says
  // The stream's :path, once its request headers were seen; shared with the stream's state,
  // not copied for each frame.
  std::shared_ptr<const std::string> method;

  HeaderRole role = HeaderRole::kNone;  // HEADERS and CONTINUATION
  // A HEADERS frame of a stream already reset: it crossed the RST_STREAM on the wire (its
  // sender sent it before the reset reached it). `reset_by_client` says who reset.
  bool after_reset = false;
  bool reset_by_client = false;
  HeaderList headers;                  // the fields completed in this frame's fragment
  std::vector<GrpcMessage> messages;   // DATA: the messages that end in this frame
  uint32_t partial_message_bytes = 0;  // DATA: bytes of a message that goes on in later frames
  std::vector<std::pair<uint16_t, uint32_t>> settings;  // SETTINGS: identifier, value
  std::optional<uint32_t> error_code;                   // RST_STREAM, GOAWAY
  std::optional<uint32_t> increment;                    // WINDOW_UPDATE
  std::optional<uint32_t> last_stream;                  // GOAWAY
  std::string debug_data;                               // GOAWAY
  std::optional<uint64_t> ping_data;                    // PING
  PingPurpose ping_purpose = PingPurpose::kUnknown;     // PING
  // Set when this direction's bytes could not be decoded from here on: what went wrong. The
  // decoder then stops decoding this direction (the bytes still pass unchanged).
  std::string problem;
};

}  // namespace greeter::wire

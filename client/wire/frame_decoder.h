#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "client/wire/frame.h"
#include "client/wire/grpc_message_reader.h"
#include "client/wire/hpack_inflater.h"

namespace greeter::wire {

// Decodes the two byte streams of one HTTP/2 connection (client to server, server to client)
// into frames, as they pass: fed each direction's bytes in order, in chunks of any size, it
// hands every complete frame to the sink. It knows gRPC: header blocks are marked as request
// headers, response headers or trailers, and DATA is cut into gRPC messages decoded as the
// stream's method's types.
//
// Input it cannot decode (a bad preface, a frame that breaks RFC 9113's rules, HPACK it cannot
// inflate) yields one frame saying so, and that direction is decoded no further: the decoder
// never throws, so the bytes it watches are never disturbed. Not thread-safe: one caller.
class FrameDecoder {
 public:
  using FrameSink = std::function<void(const Frame&)>;
  explicit FrameDecoder(FrameSink sink);

  void Feed(Direction direction, std::span<const uint8_t> bytes, double t_ms);
  // That direction met input it cannot decode.
  bool stopped(Direction direction) const { return Side(direction).stopped; }

  // Frames hold at most this much payload before the decoder calls the input malformed (the
  // largest SETTINGS_MAX_FRAME_SIZE RFC 9113 allows).
  static constexpr uint32_t kMaxFrameLength = (1u << 24) - 1;
  // A PING this soon after DATA reached its sender is a BDP probe; one after its sender has
  // read nothing for this long, a keepalive. (gRPC probes on the read that brings DATA; a
  // keepalive interval is a second or more, timed from the sender's last read, which the relay
  // sees a little earlier than the sender does.)
  static constexpr double kBdpProbeWithinMs = 50;
  static constexpr double kKeepaliveAfterMs = 500;
  static constexpr size_t kMostPingsUnanswered = 8;  // per direction

 private:
  struct StreamState {
    std::shared_ptr<const std::string> method;
    std::unique_ptr<GrpcMessageReader> sent_messages, received_messages;
    int received_header_blocks = 0;
    bool sent_ended = false, received_ended = false;
  };
  struct DirectionState {
    bool awaiting_preface = false;
    bool stopped = false;
    std::string pending;  // bytes of a frame not yet complete (copied only then)
    HpackInflater hpack;
    uint32_t continuation_stream = 0;  // a header block goes on in CONTINUATION on this stream
    HeaderRole continuation_role = HeaderRole::kNone;
    bool continuation_after_reset = false, continuation_reset_by_client = false;
    // When the last frame, and the last DATA, went this way (-1: none yet).
    double last_frame_ms = -1, last_data_ms = -1;
    // PINGs sent this way and not yet answered, with what they are for (a few at most).
    std::map<uint64_t, PingPurpose> pings_unanswered;
  };

  DirectionState& Side(Direction direction) {
    return direction == Direction::kSent ? sent_ : received_;
  }
  const DirectionState& Side(Direction direction) const {
    return direction == Direction::kSent ? sent_ : received_;
  }
  // Decodes one whole frame; returns false when it was malformed (`frame.problem` says how).
  bool Decode(Frame& frame, std::span<const uint8_t> payload);
  // Decodes the whole frames at the front of `bytes`; returns how many bytes they took.
  size_t DecodeFrames(Direction direction, std::span<const uint8_t> bytes, double t_ms);
  bool DecodeHeaderBlock(Frame& frame, std::span<const uint8_t> fragment, bool first);
  bool DecodeData(Frame& frame, std::span<const uint8_t> payload);
  void EndStreamSide(uint32_t stream, Direction direction);
  // What a header block is to its stream, from what came on it before.
  static HeaderRole RoleOf(const Frame& frame, bool sent_messages, int& received_header_blocks);
  PingPurpose PurposeOf(const Frame& ping);
  void Stop(Frame& frame, std::string problem);

  FrameSink sink_;
  DirectionState sent_, received_;
  std::map<uint32_t, StreamState> streams_;  // open streams only
  // The last streams reset, for the header blocks that crossed their RST_STREAM (a few).
  struct ResetStream {
    bool by_client = false;
    bool sent_messages = false;
    int received_header_blocks = 0;
  };
  static constexpr size_t kRememberedResets = 32;
  std::map<uint32_t, ResetStream> reset_streams_;
  std::deque<uint32_t> reset_order_;  // of reset_streams_, the one reset longest ago first
};

}  // namespace greeter::wire

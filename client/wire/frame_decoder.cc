#include "client/wire/frame_decoder.h"

#include <algorithm>
#include <cstring>

#include "client/wire/http2_names.h"

namespace greeter::wire {

namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr size_t kFrameHeaderLength = 9;

uint32_t Read32(std::span<const uint8_t> bytes) {
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 |
         uint32_t{bytes[3]};
}

std::string LengthProblem(uint8_t type, uint32_t length, const char* rule) {
  return FrameTypeName(type) + ": length " + std::to_string(length) + ", must be " + rule;
}

}  // namespace

FrameDecoder::FrameDecoder(FrameSink sink) : sink_(std::move(sink)) {
  sent_.awaiting_preface = true;
}

void FrameDecoder::Stop(Frame& frame, std::string problem) {
  frame.problem = std::move(problem);
  DirectionState& side = Side(frame.direction);
  side.stopped = true;
  side.pending.clear();
  side.pending.shrink_to_fit();
}

PingPurpose FrameDecoder::PurposeOf(const Frame& ping) {
  const Direction other =
      ping.direction == Direction::kSent ? Direction::kReceived : Direction::kSent;
  if (ping.flags & kFlagAck) {  // answers a PING that went the other way
    auto& asked = Side(other).pings_unanswered;
    const auto found = asked.find(*ping.ping_data);
    if (found == asked.end()) return PingPurpose::kUnknown;
    const PingPurpose purpose = found->second;
    asked.erase(found);
    return purpose;
  }
  // What the PING's sender last read is what went the other way.
  const DirectionState& read = Side(other);
  PingPurpose purpose = PingPurpose::kUnknown;
  if (read.last_data_ms >= 0 && ping.t_ms - read.last_data_ms <= kBdpProbeWithinMs) {
    purpose = PingPurpose::kBdpProbe;
  } else if (read.last_frame_ms >= 0 && ping.t_ms - read.last_frame_ms >= kKeepaliveAfterMs) {
    purpose = PingPurpose::kKeepalive;
  }
  auto& unanswered = Side(ping.direction).pings_unanswered;
  // A peer that never answers costs at most kMostPingsUnanswered entries; a payload sent again
  // takes its old entry's place.
  if (!unanswered.contains(*ping.ping_data) && unanswered.size() >= kMostPingsUnanswered) {
    unanswered.erase(unanswered.begin());
  }
  unanswered[*ping.ping_data] = purpose;
  return purpose;
}

void FrameDecoder::Feed(Direction direction, std::span<const uint8_t> bytes, double t_ms) {
  DirectionState& side = Side(direction);
  if (side.stopped || bytes.empty()) return;
  if (side.pending.empty()) {
    // The usual case: frames decoded where they lie, only an incomplete tail kept.
    const size_t used = DecodeFrames(direction, bytes, t_ms);
    if (!side.stopped)
      side.pending.assign(reinterpret_cast<const char*>(bytes.data()) + used, bytes.size() - used);
    return;
  }
  side.pending.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::string held = std::move(side.pending);  // decoding may stop, clearing pending
  side.pending.clear();
  const std::span<const uint8_t> all(reinterpret_cast<const uint8_t*>(held.data()), held.size());
  const size_t used = DecodeFrames(direction, all, t_ms);
  if (side.stopped) return;
  if (used == 0) {
    side.pending = std::move(held);  // a large frame still coming: no copy per chunk
  } else {
    side.pending.assign(held, used);
  }
}

size_t FrameDecoder::DecodeFrames(Direction direction, std::span<const uint8_t> bytes,
                                  double t_ms) {
  DirectionState& side = Side(direction);
  size_t at = 0;
  const auto available = [&] { return bytes.size() - at; };
  while (!side.stopped) {
    Frame frame;
    frame.t_ms = t_ms;
    frame.direction = direction;
    if (side.awaiting_preface) {
      const size_t compare = std::min(available(), kPreface.size());
      const std::string_view seen(reinterpret_cast<const char*>(bytes.data()) + at, compare);
      if (seen != kPreface.substr(0, compare)) {
        Stop(frame, "not the HTTP/2 connection preface");
        sink_(frame);
        return at;
      }
      if (compare < kPreface.size()) break;
      at += kPreface.size();
      side.awaiting_preface = false;
      frame.preface = true;
      frame.length = static_cast<uint32_t>(kPreface.size());
      sink_(frame);
      continue;
    }
    if (available() < kFrameHeaderLength) break;
    const uint8_t* header = bytes.data() + at;
    frame.length = uint32_t{header[0]} << 16 | uint32_t{header[1]} << 8 | uint32_t{header[2]};
    frame.type = header[3];
    frame.flags = header[4];
    frame.stream = Read32({header + 5, 4}) & 0x7fffffffu;
    if (available() < kFrameHeaderLength + frame.length) break;
    const std::span<const uint8_t> payload(header + kFrameHeaderLength, frame.length);
    at += kFrameHeaderLength + frame.length;
    if (auto stream = streams_.find(frame.stream); stream != streams_.end()) {
      frame.method = stream->second.method;
    }
    Decode(frame, payload);
    side.last_frame_ms = t_ms;
    if (frame.type == kData && frame.length > 0) side.last_data_ms = t_ms;
    sink_(frame);
  }
  return at;
}

bool FrameDecoder::Decode(Frame& frame, std::span<const uint8_t> payload) {
  DirectionState& side = Side(frame.direction);
  if (side.continuation_stream != 0 &&
      (frame.type != kContinuation || frame.stream != side.continuation_stream)) {
    Stop(frame, FrameTypeName(frame.type) + " in the middle of stream " +
                    std::to_string(side.continuation_stream) +
                    "'s header block (only CONTINUATION may come)");
    return false;
  }
  switch (frame.type) {
    case kData:
      return DecodeData(frame, payload);
    case kHeaders:
      return DecodeHeaderBlock(frame, payload, true);
    case kContinuation:
      if (side.continuation_stream == 0) {
        Stop(frame, "CONTINUATION without a header block to continue");
        return false;
      }
      return DecodeHeaderBlock(frame, payload, false);
    case kPriority:
      if (frame.length != 5) {
        Stop(frame, LengthProblem(frame.type, frame.length, "5"));
        return false;
      }
      return true;
    case kRstStream:
      if (frame.length != 4) {
        Stop(frame, LengthProblem(frame.type, frame.length, "4"));
        return false;
      }
      frame.error_code = Read32(payload);
      if (auto open = streams_.find(frame.stream); open != streams_.end()) {
        reset_streams_[frame.stream] = {frame.direction == Direction::kSent,
                                        open->second.sent_messages != nullptr,
                                        open->second.received_header_blocks};
        reset_order_.push_back(frame.stream);
        if (reset_order_.size() > kRememberedResets) {  // the one reset longest ago goes
          reset_streams_.erase(reset_order_.front());
          reset_order_.pop_front();
        }
        streams_.erase(open);
      }
      return true;
    case kSettings:
      if (frame.length % 6 != 0 || (frame.flags & kFlagAck && frame.length != 0)) {
        Stop(frame, LengthProblem(frame.type, frame.length,
                                  frame.flags & kFlagAck ? "0 for an ACK" : "a multiple of 6"));
        return false;
      }
      for (size_t i = 0; i < payload.size(); i += 6) {
        const auto identifier = static_cast<uint16_t>(payload[i] << 8 | payload[i + 1]);
        const uint32_t value = Read32(payload.subspan(i + 2, 4));
        frame.settings.emplace_back(identifier, value);
        // The table size one side's decoder allows bounds the other direction's encoder.
        if (identifier == kSettingsHeaderTableSize) {
          Side(frame.direction == Direction::kSent ? Direction::kReceived : Direction::kSent)
              .hpack.SetMaxTableSize(value);
        }
      }
      return true;
    case kPing:
      if (frame.length != 8) {
        Stop(frame, LengthProblem(frame.type, frame.length, "8"));
        return false;
      }
      frame.ping_data = uint64_t{Read32(payload)} << 32 | Read32(payload.subspan(4));
      frame.ping_purpose = PurposeOf(frame);
      return true;
    case kGoaway:
      if (frame.length < 8) {
        Stop(frame, LengthProblem(frame.type, frame.length, "at least 8"));
        return false;
      }
      frame.last_stream = Read32(payload) & 0x7fffffffu;
      frame.error_code = Read32(payload.subspan(4));
      frame.debug_data.assign(reinterpret_cast<const char*>(payload.data()) + 8,
                              payload.size() - 8);
      return true;
    case kWindowUpdate:
      if (frame.length != 4) {
        Stop(frame, LengthProblem(frame.type, frame.length, "4"));
        return false;
      }
      frame.increment = Read32(payload) & 0x7fffffffu;
      return true;
    default:  // PUSH_PROMISE (gRPC never sends it) and extension types: length and flags only
      return true;
  }
}

bool FrameDecoder::DecodeHeaderBlock(Frame& frame, std::span<const uint8_t> fragment, bool first) {
  DirectionState& side = Side(frame.direction);
  if (frame.stream == 0) {
    Stop(frame, FrameTypeName(frame.type) + " on stream 0");
    return false;
  }
  if (first) {
    size_t skip_front = 0, padding = 0;
    if (frame.flags & kFlagPadded) {
      if (fragment.empty()) {
        Stop(frame, "HEADERS: PADDED without a pad length");
        return false;
      }
      padding = fragment[0];
      skip_front = 1;
    }
    if (frame.flags & kFlagPriority) skip_front += 5;  // stream dependency and weight
    if (skip_front + padding > fragment.size()) {
      Stop(frame, "HEADERS: padding and priority of " + std::to_string(skip_front + padding) +
                      " bytes in a payload of " + std::to_string(fragment.size()));
      return false;
    }
    fragment = fragment.subspan(skip_front, fragment.size() - skip_front - padding);

    const auto open = streams_.find(frame.stream);
    const auto reset =
        open == streams_.end() ? reset_streams_.find(frame.stream) : reset_streams_.end();
    if (reset != reset_streams_.end()) {  // no new stream: stream ids are never reused
      frame.after_reset = true;
      frame.reset_by_client = reset->second.by_client;
      frame.role = RoleOf(frame, reset->second.sent_messages, reset->second.received_header_blocks);
    } else if (open != streams_.end() || frame.direction == Direction::kSent) {
      StreamState& stream = open != streams_.end() ? open->second : streams_[frame.stream];
      frame.role = RoleOf(frame, stream.sent_messages != nullptr, stream.received_header_blocks);
    } else {  // the server's, on a stream not known here (forgotten): nothing is kept for it
      int none = 0;
      frame.role = RoleOf(frame, false, none);
    }
    side.continuation_role = frame.role;
    side.continuation_after_reset = frame.after_reset;
    side.continuation_reset_by_client = frame.reset_by_client;
  } else {
    frame.role = side.continuation_role;
    frame.after_reset = side.continuation_after_reset;
    frame.reset_by_client = side.continuation_reset_by_client;
  }
  const bool last = frame.flags & kFlagEndHeaders;
  if (auto problem = side.hpack.Inflate(fragment, last, frame.headers)) {
    Stop(frame, *problem);
    return false;
  }
  side.continuation_stream = last ? 0 : frame.stream;

  auto stream = streams_.find(frame.stream);
  if (stream == streams_.end()) return true;  // reset while its block was still coming
  if (frame.role == HeaderRole::kRequestHeaders) {
    for (const auto& [name, value] : frame.headers) {
      if (name == ":path") {
        stream->second.method = std::make_shared<const std::string>(value);
        frame.method = stream->second.method;
      }
    }
    if (last) {
      stream->second.sent_messages = std::make_unique<GrpcMessageReader>(
          MessageTypeOf(stream->second.method ? *stream->second.method : "", Direction::kSent));
    }
  }
  // END_STREAM on HEADERS counts once the block is whole: CONTINUATIONs belong to it.
  if (first && frame.flags & kFlagEndStream) {
    if (last) {
      EndStreamSide(frame.stream, frame.direction);
    } else {
      (frame.direction == Direction::kSent ? stream->second.sent_ended
                                           : stream->second.received_ended) = true;
    }
  } else if (last && !first) {
    const StreamState& state = stream->second;
    if (state.sent_ended && state.received_ended) streams_.erase(stream);
  }
  return true;
}

bool FrameDecoder::DecodeData(Frame& frame, std::span<const uint8_t> payload) {
  if (frame.stream == 0) {
    Stop(frame, "DATA on stream 0");
    return false;
  }
  if (frame.flags & kFlagPadded) {
    const size_t padding = payload.empty() ? 0 : payload[0];
    if (payload.empty() || 1 + padding > payload.size()) {
      Stop(frame, "DATA: padding of " + std::to_string(padding) + " bytes in a payload of " +
                      std::to_string(payload.size()));
      return false;
    }
    payload = payload.subspan(1, payload.size() - 1 - padding);
  }
  auto stream = streams_.find(frame.stream);
  if (stream != streams_.end()) {
    auto& reader = frame.direction == Direction::kSent ? stream->second.sent_messages
                                                       : stream->second.received_messages;
    if (!reader) {
      reader = std::make_unique<GrpcMessageReader>(
          MessageTypeOf(stream->second.method ? *stream->second.method : "", frame.direction));
    }
    frame.messages = reader->Feed(payload);
    frame.partial_message_bytes = reader->partial_bytes();
  }
  if (frame.flags & kFlagEndStream) EndStreamSide(frame.stream, frame.direction);
  return true;
}

HeaderRole FrameDecoder::RoleOf(const Frame& frame, bool sent_messages,
                                int& received_header_blocks) {
  if (frame.direction == Direction::kSent) {
    return sent_messages ? HeaderRole::kTrailers : HeaderRole::kRequestHeaders;
  }
  if (received_header_blocks++ > 0) return HeaderRole::kTrailers;
  return frame.flags & kFlagEndStream ? HeaderRole::kTrailersOnly : HeaderRole::kResponseHeaders;
}

void FrameDecoder::EndStreamSide(uint32_t stream_id, Direction direction) {
  auto stream = streams_.find(stream_id);
  if (stream == streams_.end()) return;
  (direction == Direction::kSent ? stream->second.sent_ended : stream->second.received_ended) =
      true;
  if (stream->second.sent_ended && stream->second.received_ended) streams_.erase(stream);
}

}  // namespace greeter::wire

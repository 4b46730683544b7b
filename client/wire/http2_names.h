#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace greeter::wire {

// RFC 9113 frame types (section 6).
enum FrameType : uint8_t {
  kData = 0x0,
  kHeaders = 0x1,
  kPriority = 0x2,
  kRstStream = 0x3,
  kSettings = 0x4,
  kPushPromise = 0x5,
  kPing = 0x6,
  kGoaway = 0x7,
  kWindowUpdate = 0x8,
  kContinuation = 0x9,
};

// Frame flags (the same bit means different things for different types).
inline constexpr uint8_t kFlagEndStream = 0x1;  // DATA, HEADERS
inline constexpr uint8_t kFlagAck = 0x1;        // SETTINGS, PING
inline constexpr uint8_t kFlagEndHeaders = 0x4;
inline constexpr uint8_t kFlagPadded = 0x8;
inline constexpr uint8_t kFlagPriority = 0x20;

inline constexpr uint16_t kSettingsHeaderTableSize = 0x1;
inline constexpr uint16_t kSettingsInitialWindowSize = 0x4;

// "DATA", "HEADERS", ..., or "UNKNOWN(0xNN)".
std::string FrameTypeName(uint8_t type);
// The names of the flags set, as this frame type defines them ("END_STREAM", "ACK", ...);
// bits a type does not define show as "0xNN".
std::vector<std::string> FlagNames(uint8_t type, uint8_t flags);
// "HEADER_TABLE_SIZE", ..., gRPC's "GRPC_ALLOW_TRUE_BINARY_METADATA", or "UNKNOWN(0xNNNN)".
std::string SettingName(uint16_t identifier);
// "NO_ERROR", "CANCEL", ... (RFC 9113 section 7), or "UNKNOWN(0xNN)".
std::string ErrorCodeName(uint32_t code);

}  // namespace greeter::wire

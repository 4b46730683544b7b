#include "client/wire/http2_names.h"

#include <array>
#include <cstdio>

namespace greeter::wire {

namespace {

std::string Hex(uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*x", digits, value);
  return text;
}

}  // namespace

std::string FrameTypeName(uint8_t type) {
  static constexpr std::array<const char*, 10> kNames = {
      "DATA",         "HEADERS", "PRIORITY", "RST_STREAM",    "SETTINGS",
      "PUSH_PROMISE", "PING",    "GOAWAY",   "WINDOW_UPDATE", "CONTINUATION"};
  if (type < kNames.size()) return kNames[type];
  return "UNKNOWN(" + Hex(type, 2) + ")";
}

std::vector<std::string> FlagNames(uint8_t type, uint8_t flags) {
  std::vector<std::pair<uint8_t, const char*>> defined;
  switch (type) {
    case kData:
      defined = {{kFlagEndStream, "END_STREAM"}, {kFlagPadded, "PADDED"}};
      break;
    case kHeaders:
      defined = {{kFlagEndStream, "END_STREAM"},
                 {kFlagEndHeaders, "END_HEADERS"},
                 {kFlagPadded, "PADDED"},
                 {kFlagPriority, "PRIORITY"}};
      break;
    case kPushPromise:
      defined = {{kFlagEndHeaders, "END_HEADERS"}, {kFlagPadded, "PADDED"}};
      break;
    case kContinuation:
      defined = {{kFlagEndHeaders, "END_HEADERS"}};
      break;
    case kSettings:
    case kPing:
      defined = {{kFlagAck, "ACK"}};
      break;
    default:
      break;
  }
  std::vector<std::string> names;
  uint8_t named = 0;
  for (const auto& [bit, name] : defined) {
    if (flags & bit) {
      names.emplace_back(name);
      named = static_cast<uint8_t>(named | bit);
    }
  }
  if (const auto rest = static_cast<uint8_t>(flags & ~named)) names.push_back(Hex(rest, 2));
  return names;
}

std::string SettingName(uint16_t identifier) {
  switch (identifier) {
    case 0x1:
      return "HEADER_TABLE_SIZE";
    case 0x2:
      return "ENABLE_PUSH";
    case 0x3:
      return "MAX_CONCURRENT_STREAMS";
    case 0x4:
      return "INITIAL_WINDOW_SIZE";
    case 0x5:
      return "MAX_FRAME_SIZE";
    case 0x6:
      return "MAX_HEADER_LIST_SIZE";
    case 0x8:
      return "ENABLE_CONNECT_PROTOCOL";
    case 0xfe03:  // gRPC's own extension: binary metadata sent raw, not base64
      return "GRPC_ALLOW_TRUE_BINARY_METADATA";
    default:
      return "UNKNOWN(" + Hex(identifier, 4) + ")";
  }
}

std::string ErrorCodeName(uint32_t code) {
  static constexpr std::array<const char*, 14> kNames = {"NO_ERROR",
                                                         "PROTOCOL_ERROR",
                                                         "INTERNAL_ERROR",
                                                         "FLOW_CONTROL_ERROR",
                                                         "SETTINGS_TIMEOUT",
                                                         "STREAM_CLOSED",
                                                         "FRAME_SIZE_ERROR",
                                                         "REFUSED_STREAM",
                                                         "CANCEL",
                                                         "COMPRESSION_ERROR",
                                                         "CONNECT_ERROR",
                                                         "ENHANCE_YOUR_CALM",
                                                         "INADEQUATE_SECURITY",
                                                         "HTTP_1_1_REQUIRED"};
  if (code < kNames.size()) return kNames[code];
  return "UNKNOWN(" + Hex(code, 2) + ")";
}

}  // namespace greeter::wire

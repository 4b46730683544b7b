#include "common/utf8.h"

#include <cstdio>

namespace greeter {

std::optional<size_t> FirstNonUtf8Byte(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    size_t length = 0;
    // The range the second byte must fall in: it rules out overlong forms, surrogates and
    // code points past U+10FFFF (RFC 3629's table).
    unsigned char low = 0x80, high = 0xBF;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = byte(i + k);
      const bool in_range = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
      if (!in_range) return i;
    }
    i += length;
  }
  return std::nullopt;
}

std::optional<std::string> Utf8Problem(std::string_view field, std::string_view value) {
  const auto at = FirstNonUtf8Byte(value);
  if (!at) return std::nullopt;
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(value[*at]));
  return std::string(field) + ": not valid UTF-8 at byte " + std::to_string(*at + 1) + " (" + hex +
         ")";
}

}  // namespace greeter

#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "client/wire/frame.h"

namespace greeter::wire {

// One direction's HPACK decoding state (RFC 7541), kept by libnghttp2: every header block of
// that direction must pass through it, in order, for its dynamic table to stay right.
class HpackInflater {
 public:
  HpackInflater();
  ~HpackInflater();
  HpackInflater(const HpackInflater&) = delete;
  HpackInflater& operator=(const HpackInflater&) = delete;

  // Decodes one fragment of a header block (a HEADERS or CONTINUATION payload), appending the
  // fields it completes to `fields`. `last`: the block ends with this fragment. Returns what
  // went wrong, or nothing.
  std::optional<std::string> Inflate(std::span<const uint8_t> fragment, bool last,
                                     HeaderList& fields);
  // The peer that decodes this direction announced a new SETTINGS_HEADER_TABLE_SIZE.
  void SetMaxTableSize(uint32_t bytes);

 private:
  nghttp2_hd_inflater* inflater_ = nullptr;
};

}  // namespace greeter::wire

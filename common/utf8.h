#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace greeter {

// Where `text` stops being UTF-8 (the offset of the first byte of the first bad sequence), or
// nothing when it is all UTF-8. As protobuf checks a string field: overlong forms, surrogates
// (U+D800 to U+DFFF) and code points past U+10FFFF are not UTF-8.
std::optional<size_t> FirstNonUtf8Byte(std::string_view text);

// "FIELD: not valid UTF-8 at byte 3 (0xff)", or nothing when `value` is UTF-8. For a string
// field to be refused before it is sent: protobuf would refuse to serialize it.
std::optional<std::string> Utf8Problem(std::string_view field, std::string_view value);

}  // namespace greeter

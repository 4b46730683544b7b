#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace greeter {

// gRPC aborts the process when it is handed metadata that HTTP/2 or gRPC forbids, so every key
// and value that comes from outside (a request to echo, a --header) is checked here first.
// Returns the rule the pair breaks, as a sentence to show after the key, or nothing when gRPC
// will take it:
// - keys: 1 or more of lower-case a-z, 0-9, '-', '_' and '.'; no ':' pseudo-headers;
// - values: printable ASCII (0x20 to 0x7E), unless the key ends in "-bin" (any bytes).
std::optional<std::string> MetadataRuleBroken(std::string_view key, std::string_view value);

}  // namespace greeter

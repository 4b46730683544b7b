#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace greeter {

// Parses a human duration: "250ms", "2s", "1.5s", "1m". A bare number is seconds.
// Returns nothing for anything else, including negative values.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The inverse, for messages: "250ms", "2s", "1.5s", "2m".
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace greeter

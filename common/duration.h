#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace greeter {

// Parses a human duration: "250ms", "2s", "1.5s", "1m". A bare number is seconds.
// Returns nothing for anything else, including negative values.
// Every duration greeter-server and greeter-client take, flag or REPL, is read by this, so
// "5" means five seconds wherever it is typed.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// ParseDuration for a request's uint32 milliseconds field (interval_ms, first_reply_delay_ms):
// nothing also for a duration too long for the field.
std::optional<uint32_t> ParseDurationMs32(std::string_view text);

// "WHAT: not a duration: TEXT (use e.g. 500ms, 2s, 1m; a bare number is seconds)": the one
// message for a duration refused, stating the rule.
std::string NotADuration(std::string_view what, std::string_view text);

// The inverse, for messages: "250ms", "2s", "1.5s", "2m".
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace greeter

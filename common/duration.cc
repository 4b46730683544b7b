#include "common/duration.h"

#include <charconv>
#include <cmath>

namespace greeter {

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  double amount = 0;
  const auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (error != std::errc{} || rest == text.data() || !std::isfinite(amount) || amount < 0) {
    return std::nullopt;
  }
  const std::string_view unit(rest, static_cast<size_t>(text.data() + text.size() - rest));
  double milliseconds_per_unit = 0;
  if (unit.empty() || unit == "s") {
    milliseconds_per_unit = 1000;
  } else if (unit == "ms") {
    milliseconds_per_unit = 1;
  } else if (unit == "m") {
    milliseconds_per_unit = 60'000;
  } else if (unit == "h") {
    milliseconds_per_unit = 3'600'000;
  } else {
    return std::nullopt;
  }
  const double milliseconds = std::round(amount * milliseconds_per_unit);
  if (milliseconds > 1e15) return std::nullopt;  // beyond any deadline worth asking for
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(milliseconds));
}

std::optional<uint32_t> ParseDurationMs32(std::string_view text) {
  const auto duration = ParseDuration(text);
  if (!duration || duration->count() > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(duration->count());
}

std::string NotADuration(std::string_view what, std::string_view text) {
  return std::string(what) + ": not a duration: " + std::string(text) +
         " (use e.g. 500ms, 2s, 1m; a bare number is seconds)";
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  const auto milliseconds = duration.count();
  if (milliseconds < 1000 || milliseconds % 100 != 0) return std::to_string(milliseconds) + "ms";
  if (milliseconds % 60'000 == 0) return std::to_string(milliseconds / 60'000) + "m";
  if (milliseconds % 1000 == 0) return std::to_string(milliseconds / 1000) + "s";
  return std::to_string(milliseconds / 1000) + "." + std::to_string(milliseconds % 1000 / 100) +
         "s";
}

}  // namespace greeter

#include "tools/loadgen/bench_options.h"

#include <array>
#include <utility>

namespace greeter::bench {
namespace {

constexpr std::array<std::pair<Mode, std::string_view>, 6> kModeNames{{
    {Mode::kUnary, "unary"},
    {Mode::kServerStream, "server-stream"},
    {Mode::kClientStream, "client-stream"},
    {Mode::kBidi, "bidi"},
    {Mode::kIdleBidi, "idle-bidi"},
    {Mode::kFanout, "fanout"},
}};

}  // namespace

std::optional<Mode> ParseMode(std::string_view text) {
  for (const auto& [mode, name] : kModeNames) {
    if (name == text) return mode;
  }
  return std::nullopt;
}

std::string_view ModeName(Mode mode) {
  for (const auto& [candidate, name] : kModeNames) {
    if (candidate == mode) return name;
  }
  return "?";
}

}  // namespace greeter::bench

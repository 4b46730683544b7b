#pragma once

#include <CLI/App.hpp>
#include <optional>

namespace greeter {

// The exit status of every greeter program for a command line it cannot accept.
inline constexpr int kUsageExitCode = 2;

// Parses the command line. Nothing when the program should go on; otherwise the exit status,
// after CLI11 has printed what it had to: 0 for --help, kUsageExitCode for anything it refused
// (CLI11's own codes, 100 and up, would collide with the codes scripts read).
std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv);

}  // namespace greeter

#include "common/command_line.h"

#include <CLI/CLI.hpp>

namespace greeter {

std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int cli11_code = app.exit(error);  // prints help, or the message and a hint
    return cli11_code == 0 ? 0 : kUsageExitCode;
  }
  return std::nullopt;
}

}  // namespace greeter

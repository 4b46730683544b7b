#include "common/command_line.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace greeter {
namespace {

std::string ProgramName(const char* argv0) {
  const std::string path = argv0 ? argv0 : "";
  return path.substr(path.find_last_of('/') + 1);
}

std::string Joined(const std::vector<std::string>& words, const char* between) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : between) + word;
  return text;
}

// CLI11's words, but for what it could not place (it lists those backwards): an unknown
// command by name, with the commands there are; anything else in the order typed.
std::string Explain(CLI::App& app, const CLI::ParseError& error) {
  if (dynamic_cast<const CLI::ExtrasError*>(&error) == nullptr) return error.what();
  std::vector<std::string> extras = app.remaining(true);
  if (extras.empty()) return error.what();
  const auto commands = app.get_subcommands([](const CLI::App*) { return true; });
  if (extras.front().starts_with('-') || commands.empty() || !app.get_subcommands().empty()) {
    return "not expected here: " + Joined(extras, " ");
  }
  std::vector<std::string> names;
  for (const auto* command : commands) names.push_back(command->get_name());
  return "unknown command " + extras.front() + " (the commands: " + Joined(names, ", ") + ")";
}

}  // namespace

std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help: prints it
    // In the programs' own form, "greeter-client: ...", as every other refusal.
    std::cerr << ProgramName(argc > 0 ? argv[0] : nullptr) << ": " << Explain(app, error)
              << "\nRun with --help for more information.\n";
    return kUsageExitCode;
  }
  return std::nullopt;
}

}  // namespace greeter

#include "client/flag_scope.h"

#include <algorithm>
#include <vector>

namespace greeter {
namespace {

struct FlagScope {
  std::string_view flag;
  std::vector<std::string_view> commands;
};

// Flags missing here (--target, --lb-policy, --deadline, the TLS flags) apply to every command:
// each connects, and --deadline bounds health's and status's waits as it bounds calls.
const std::vector<FlagScope>& Scopes() {
  static const std::vector<std::string_view> kCalls = {"hello", "stream", "collect", "chat",
                                                       "tour"};
  const auto calls_and = [](std::vector<std::string_view> more) {
    std::vector<std::string_view> commands = kCalls;
    commands.insert(commands.end(), more.begin(), more.end());
    return commands;
  };
  static const std::vector<FlagScope> kScopes = {
      {"--json", calls_and({"health", "status"})},  // the REPL prints for people
      {"--header", calls_and({"health", "repl"})},  // status makes no call
      {"--show-metadata", calls_and({"repl"})},
      {"--status", kCalls},  // the REPL has a status command
      {"--call-info", calls_and({"repl"})},
      {"--fail", calls_and({"repl"})},
      {"--fail-after", calls_and({"repl"})},
      {"--delay", calls_and({"repl"})},
      {"--padding", calls_and({"repl"})},
  };
  return kScopes;
}

// "hello, stream and tour"
std::string Listed(const std::vector<std::string_view>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " and " : ", ";
    text += names[i];
  }
  return text;
}

}  // namespace

std::optional<std::string> FlagNotForCommand(const CLI::App& app, std::string_view command) {
  for (const auto& [flag, commands] : Scopes()) {
    if (app.count(std::string(flag)) == 0) continue;
    if (std::find(commands.begin(), commands.end(), command) != commands.end()) continue;
    const std::string named =
        command == "repl" ? "repl, the interactive client" : std::string(command);
    return std::string(flag) + " does not apply to " + named + " (only to " + Listed(commands) +
           ")";
  }
  return std::nullopt;
}

}  // namespace greeter

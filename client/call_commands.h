#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace greeter {

// The call commands (the four shapes and the tour), as one grammar for the one-shot command
// line and the interactive client: the same words, the same checks, the same messages.
struct HelloCommand {
  std::string name;
};
struct StreamCommand {
  std::string name;
  std::optional<uint32_t> count;
  std::optional<uint32_t> interval_ms;
};
struct CollectCommand {
  std::vector<std::string> names;  // none: one per line, typed or piped
};
struct ChatCommand {
  std::string name;
  std::string room;  // empty: the plain bidi greeting
};
struct TourCommand {
  std::string name;
  bool together = false;  // the four calls at once, multiplexed
};
using CallCommand =
    std::variant<HelloCommand, StreamCommand, CollectCommand, ChatCommand, TourCommand>;

// One row of the table that help (both kinds) is made from.
struct CallCommandSpec {
  std::string_view name;
  std::string_view usage;
  std::string_view summary;
};
const std::vector<CallCommandSpec>& CallCommands();

// The words of a call command, as CLI11 takes them apart; CallCommandFrom checks them.
struct CallCommandWords {
  std::vector<std::string> name_words;  // hello, tour: NAME, words joined by spaces
  std::string name;                     // stream, chat: NAME, one word (quoted if need be)
  std::string count, interval;          // stream, as positionals or --count / --interval
  std::vector<std::string> names;       // collect
  std::string room;                     // chat, as a positional or --room
  bool together = false;                // tour
};

// Adds hello, stream, collect, chat and tour to `app`, each filling `words` when parsed.
void AddCallCommands(CLI::App& app, CallCommandWords& words);

// The command `subcommand` (one AddCallCommands added) asks for, or what is wrong with it.
struct CheckedCallCommand {
  std::optional<CallCommand> command;
  std::string error;
};
CheckedCallCommand CallCommandFrom(const CLI::App& subcommand, const CallCommandWords& words);

}  // namespace greeter

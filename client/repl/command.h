#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "client/call_commands.h"

namespace greeter::repl {

// One typed line of the interactive client, parsed. The call commands are the one-shot
// subcommands, with the same grammar (client/call_commands.h).
using Hello = HelloCommand;
using Stream = StreamCommand;
using Collect = CollectCommand;
using Chat = ChatCommand;
using Tour = TourCommand;
struct Status {};
struct SetDeadline {
  std::chrono::milliseconds deadline;
};
struct SetHeader {
  std::string key, value;
};
struct UnsetDeadline {};
struct UnsetHeader {
  std::string key;  // empty: every header
};
// The test knobs (greet.proto's fail, first_reply_delay_ms, reply_padding_bytes,
// include_call_info), and whether to print the server's metadata after each call.
struct SetFail {
  int32_t code = 0;
  std::string message;
};
struct SetFailAfter {
  uint32_t replies = 0;
};
struct SetDelay {
  uint32_t delay_ms = 0;
};
struct SetPadding {
  uint32_t bytes = 0;
};
struct SetCallInfo {
  bool on = false;
};
struct SetShowMetadata {
  bool on = false;
};
enum class Knob { kFail, kFailAfter, kDelay, kPadding, kCallInfo, kMetadata };
struct UnsetKnob {
  Knob knob;
};
struct Help {
  std::string topic;  // empty: all commands
};
struct Frames {
  bool on = false;  // frames on: show the wire view's lines; off: hide them
};
struct Quit {};
struct Nothing {};  // a blank line

using Command =
    std::variant<Hello, Stream, Collect, Chat, Tour, Status, SetDeadline, SetHeader, UnsetDeadline,
                 UnsetHeader, SetFail, SetFailAfter, SetDelay, SetPadding, SetCallInfo,
                 SetShowMetadata, UnsetKnob, Frames, Help, Quit, Nothing>;

// A command, or a message saying what is wrong with the line and how it should look.
struct ParsedLine {
  std::optional<Command> command;
  std::string error;
};

ParsedLine ParseCommand(std::string_view line);

// The command table: help text and completion both come from it.
struct CommandSpec {
  std::string_view name;
  std::string_view usage;
  std::string_view summary;
};
const std::vector<CommandSpec>& Commands();

// What `set` sets (and `unset` removes): help and completion come from this table.
struct SettingSpec {
  std::string_view name;
  std::string_view value;  // how the value looks: "DURATION", "on|off"
};
const std::vector<SettingSpec>& Settings();

// "help" without a topic lists every command; with one, that command's usage and summary.
std::string HelpText(std::string_view topic);

// Completions of the word being typed, given the line before it: command names first, then
// the keys of set and unset.
std::vector<std::string> Completions(std::string_view line_before_word, std::string_view word);

}  // namespace greeter::repl

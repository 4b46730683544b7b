#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "client/call_commands.h"
#include "client/call_settings.h"
#include "client/reply_printer.h"
#include "greet.grpc.pb.h"

namespace greeter {

// What every one-shot command works with: the one stub (so the one channel), the settings from
// the flags, where replies go, and where lines come from when a command reads input.
struct CommandEnvironment {
  greet::Greeter::Stub& stub;
  CallSettings settings;
  ReplyPrinter& printer;
  std::istream& input;
  // Set by a command that refused an input line before sending it (not UTF-8), naming the
  // line and the field; its call was then cancelled. For the exit status of a bad input.
  std::string refused_input = {};
  // The stub's channel: a chat in a room waits on it to rejoin after a lost connection.
  std::shared_ptr<grpc::Channel> channel = nullptr;
};

// Each runs one command to its end and returns the status of its (last failed) call.
grpc::Status RunHello(CommandEnvironment& env, const std::string& name);
grpc::Status RunStream(CommandEnvironment& env, const std::string& name,
                       std::optional<uint32_t> count, std::optional<uint32_t> interval_ms);
// Names from the arguments, or else one per input line until end of input. Returns when the
// server has finished the call, even if input is still open.
grpc::Status RunCollect(CommandEnvironment& env, const std::vector<std::string>& names);
// NAME first, then every input line as it is read; replies print as they arrive; end of
// input half-closes. Returns when the server has finished the call, even if input is still open.
// With a room: joins it as NAME, and every input line is said to the room; replies are the
// room's events.
grpc::Status RunChat(CommandEnvironment& env, const std::string& name, const std::string& room);
// All four shapes, one after another on the one channel, then whether they shared a connection.
// `together`: the four calls at once, multiplexed, instead of one after another.
grpc::Status RunTour(CommandEnvironment& env, const std::string& name, bool together = false);
// Whichever of these `command` names.
grpc::Status RunCallCommand(CommandEnvironment& env, const CallCommand& command);

}  // namespace greeter

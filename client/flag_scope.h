#pragma once

#include <CLI/App.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace greeter {

// The one table of which command each of greeter-client's flags applies to. A flag given to a
// command it does not apply to is refused, the same way for every flag: "--call-info does not
// apply to health (only to hello, ... and repl)". `command` is the subcommand given, "repl" for
// none. Nothing when every flag given applies.
std::optional<std::string> FlagNotForCommand(const CLI::App& app, std::string_view command);

}  // namespace greeter

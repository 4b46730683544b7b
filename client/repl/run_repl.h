#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "client/call_settings.h"
#include "client/wire/frame_line_switch.h"
#include "client/wire/wire_view.h"

namespace greeter::repl {

// Runs the interactive client on `channel` (to `target`) until quit, Ctrl-D or end of input;
// returns the exit status: 0 at a terminal; for a script, its first failure's (2 for a line it
// could not run, 64 + the code for a failed call), 0 if none. A terminal gets line editing,
// history and a live prompt; anything else is read as a script, quietly and deterministically.
// `show_metadata` starts it with `set metadata on` (--show-metadata). With `frames` (--frames),
// the wire view's lines print through the console at a terminal (above the line being typed),
// on stderr for a script; `view` is the wire view the channel goes through.
int RunRepl(const std::string& target, std::shared_ptr<grpc::Channel> channel,
            const CallSettings& settings, bool show_metadata,
            wire::FrameLineSwitch* frames = nullptr, const wire::WireView* view = nullptr);

// $XDG_STATE_HOME/greeter/history, else ~/.local/state/greeter/history; empty without a home.
std::string HistoryFile();

}  // namespace greeter::repl

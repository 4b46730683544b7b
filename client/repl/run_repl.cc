#include "client/repl/run_repl.h"

#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "client/repl/connection_watcher.h"
#include "client/repl/piped_console.h"
#include "client/repl/repl_session.h"
#include "client/repl/terminal_console.h"
#include "client/repl/utf8_locale.h"

namespace greeter::repl {

std::string HistoryFile() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    return std::string(state) + "/greeter/history";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.local/state/greeter/history";
  }
  return "";
}

int RunRepl(const std::string& target, std::shared_ptr<grpc::Channel> channel,
            const CallSettings& settings, bool show_metadata, wire::FrameLineSwitch* frames,
            const wire::WireView* view) {
  // Outlives everything that posts to it: the console and its reading thread, the session
  // (whose calls have all ended when it quits), the connection watcher, the frame view's lines.
  asio::io_context io;

  std::unique_ptr<Console> console;
  if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
    UseUtf8CharacterLocale();  // before libedit starts: it reads the locale once
    console = std::make_unique<TerminalConsole>(io, HistoryFile());
  } else {
    console = std::make_unique<PipedConsole>(io, STDIN_FILENO);
  }
  if (frames && console->interactive()) {
    // Through the session's thread, in order with the replies, above the line being typed.
    Console* shown_on = console.get();
    frames->Redirect([&io, shown_on](const std::string& line) {
      asio::post(io, [shown_on, line] { shown_on->Print(line + "\n"); });
    });
  }
  ReplSession session(
      io, channel, target, settings, *console, [&io] { io.stop(); }, frames, view);
  session.ShowMetadata(show_metadata);

  // Ctrl-C belongs to the session (it cancels a call); SIGTERM and SIGHUP end it cleanly, so
  // the terminal is restored whichever way the client goes.
  asio::signal_set interrupts(io, SIGINT);
  asio::signal_set terminations(io, SIGTERM, SIGHUP);
  std::function<void(const asio::error_code&, int)> on_interrupt =
      [&](const asio::error_code& error, int) {
        if (error) return;
        session.OnInterrupt();
        interrupts.async_wait(on_interrupt);
      };
  interrupts.async_wait(on_interrupt);
  terminations.async_wait([&](const asio::error_code& error, int) {
    if (!error) session.Quit();
  });

  ConnectionWatcher watcher(channel, [&io, &session](grpc_connectivity_state state) {
    asio::post(io, [&session, state] { session.OnConnectivity(state); });
  });

  session.Start();
  io.run();
  // A person saw each failure as it happened; a script is told by the exit status.
  const int exit_code = console->interactive() ? 0 : session.exit_code();
  // The console goes: nothing may print through it now. (A script's frames go to stderr, and
  // its last ones are still to be printed: the caller settles the view.)
  if (frames && console->interactive()) {
    frames->Show(false);
    frames->Redirect([](const std::string&) {});
  }
  console.reset();  // restores the terminal and saves the history
  std::cout.flush();
  return exit_code;
}

}  // namespace greeter::repl

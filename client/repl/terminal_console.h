#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/signal_set.hpp>
#include <string>
#include <vector>

#include "client/repl/console.h"

namespace greeter::repl {

// A terminal, with libedit's line editing, history kept in `history_file`, and tab completion
// of commands. stdin is one more descriptor on the io_context: when it is readable, libedit
// takes the keys. Printing clears the prompt line, prints, and lets libedit draw the prompt and
// the half-typed line again, so output arriving while someone types never garbles their line.
// The history file is shared by every session of the user: each adds its own commands to it.
// The terminal is restored when this is destroyed, also on the way out of an error, and
// while the client is stopped (Ctrl-Z): fg gives libedit its modes back and redraws the line.
class TerminalConsole final : public Console {
 public:
  TerminalConsole(asio::io_context& io, std::string history_file);
  ~TerminalConsole() override;

  void ReadLine(std::string prompt, LineKind kind) override;
  void CancelLine() override;
  void SetPrompt(std::string prompt) override;
  void Print(std::string_view text) override;
  bool interactive() const override { return true; }

 private:
  static void OnLibeditLine(char* line);
  static char** Complete(const char* word, int start, int end);  // Tab
  void WaitForKeys();
  // Drops the keys that are there up to the end of the line being dropped (Enter, or the
  // Ctrl-D that meant to leave the chat): false while that end is yet to come.
  bool DropRestOfLine();
  int KeysWaiting();  // typed, and not yet read
  void StopReading();
  void SaveHistory();
  void WaitForJobControl();
  void OnSuspend();   // Ctrl-Z
  void OnContinue();  // fg

  const int stdin_flags_;  // as the shell left them, restored on the way out
  asio::posix::stream_descriptor input_;
  asio::signal_set suspend_;
  asio::signal_set continue_;
  std::string history_file_;
  std::vector<std::string> new_history_;  // this session's commands, for SaveHistory to add
  std::string prompt_;
  LineKind kind_ = LineKind::kCommand;
  bool reading_ = false;
  bool waiting_ = false;  // for keys: one wait at a time
  // The server ended the chat or collect under a half-typed line: the rest of that line, typed
  // before the person saw the end, is dropped too, not run as a command.
  bool dropping_line_ = false;
};

}  // namespace greeter::repl

#include "client/repl/terminal_console.h"

// libedit's readline interface: BSD-licensed, so the client stays free of the GPL.
#include <editline/readline.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "client/repl/command.h"

namespace greeter::repl {
namespace {

TerminalConsole* active_console = nullptr;  // libedit's callbacks carry no context
std::vector<std::string> completion_candidates;

char* NextCandidate(const char*, int state) {
  static size_t next = 0;
  if (state == 0) next = 0;
  if (next >= completion_candidates.size()) return nullptr;
  return strdup(completion_candidates[next++].c_str());
}

// A descriptor of the terminal for asio to wait on. asio makes what it waits on non-blocking,
// and a dup of stdin would share stdin's open file, stdout's too: the terminal would stay
// non-blocking for the shell after the client, and a full terminal would make stdout drop
// output. A fresh open of the terminal is a file of its own.
int TerminalToWaitOn() {
  if (const char* name = ::ttyname(STDIN_FILENO)) {
    const int terminal = ::open(name, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (terminal >= 0) return terminal;
  }
  return ::dup(STDIN_FILENO);  // no name to open (then stdin_flags_ are restored at the end)
}

}  // namespace

char** TerminalConsole::Complete(const char* word, int start, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  if (active_console->kind_ != Console::LineKind::kCommand) return nullptr;  // a text or name
  completion_candidates =
      Completions(std::string_view(rl_line_buffer, static_cast<size_t>(start)), word);
  if (completion_candidates.empty()) return nullptr;
  return rl_completion_matches(word, NextCandidate);
}

TerminalConsole::TerminalConsole(asio::io_context& io, std::string history_file)
    : stdin_flags_(::fcntl(STDIN_FILENO, F_GETFL)),
      input_(io, TerminalToWaitOn()),
      suspend_(io, SIGTSTP),
      continue_(io, SIGCONT),
      history_file_(std::move(history_file)) {
  active_console = this;
  rl_readline_name = "greeter";
  rl_catch_signals = 0;  // Ctrl-C is the session's, through asio
  rl_attempted_completion_function = Complete;
  using_history();
  stifle_history(1000);
  if (!history_file_.empty()) read_history(history_file_.c_str());
  WaitForJobControl();
}

TerminalConsole::~TerminalConsole() {
  StopReading();
  rl_deprep_terminal();  // the terminal's own modes, as the shell left them
  SaveHistory();
  if (stdin_flags_ >= 0) ::fcntl(STDIN_FILENO, F_SETFL, stdin_flags_);
  active_console = nullptr;
}

void TerminalConsole::WaitForJobControl() {
  suspend_.async_wait([this](const asio::error_code& error, int) {
    if (error) return;
    OnSuspend();
    WaitForJobControl();
  });
  continue_.async_wait([this](const asio::error_code& error, int) {
    if (!error) OnContinue();
  });
}

void TerminalConsole::OnSuspend() {
  // Taking SIGTSTP kept the terminal in libedit's modes: give the shell its own back first,
  // then stop as SIGTSTP's default would have.
  rl_deprep_terminal();
  std::fflush(stdout);
  ::kill(::getpid(), SIGSTOP);
}

void TerminalConsole::OnContinue() {
  continue_.async_wait([this](const asio::error_code& error, int) {
    if (!error) OnContinue();
  });
  // The shell had the terminal meanwhile, in its own modes: libedit's again (from cooked, so
  // that libedit takes the shell's settings as the ones to restore), then the prompt and the
  // line typed so far, redrawn.
  rl_deprep_terminal();
  rl_prep_terminal(1);
  if (!reading_) return;  // a call runs: its output, then the next prompt, follow
  std::fputs("\r\x1b[K", stdout);
  rl_forced_update_display();
}

void TerminalConsole::SaveHistory() {
  if (history_file_.empty() || new_history_.empty()) return;
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(history_file_).parent_path(), ignored);
  // Another session may have saved since this one read the file: read it again and add this
  // session's commands to it, under a lock, instead of writing over it with what was read then.
  const int lock = ::open((history_file_ + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock >= 0) ::flock(lock, LOCK_EX);
  clear_history();
  read_history(history_file_.c_str());
  for (const auto& line : new_history_) add_history(line.c_str());
  write_history(history_file_.c_str());
  if (lock >= 0) ::close(lock);  // releases the lock
}

void TerminalConsole::ReadLine(std::string prompt, LineKind kind) {
  if (reading_) {
    // A new line under a new prompt (a chat the server ended gives way to a command): libedit
    // draws a prompt only when it starts reading, and what was typed was for the old one.
    // Half typed: text in libedit's line, or keys typed for it that libedit has not read yet.
    dropping_line_ =
        kind_ == LineKind::kText && kind == LineKind::kCommand && (rl_end > 0 || KeysWaiting() > 0);
    std::fputs("\r\x1b[K", stdout);
    StopReading();
  }
  prompt_ = std::move(prompt);
  kind_ = kind;
  reading_ = true;
  rl_callback_handler_install(prompt_.c_str(), OnLibeditLine);
  WaitForKeys();
}

void TerminalConsole::WaitForKeys() {
  // One wait at a time: a completed line's handler may already have asked for the next line
  // (and so for keys) from inside rl_callback_read_char below.
  if (waiting_) return;
  waiting_ = true;
  input_.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this](const asio::error_code& error) {
                      waiting_ = false;
                      // Not reading (a call runs): the keys wait in the terminal for the next
                      // line, whose ReadLine waits again.
                      if (error || !reading_) return;
                      if (dropping_line_) {  // what follows its end is new: wait for it again
                        dropping_line_ = !DropRestOfLine();
                        WaitForKeys();
                        return;
                      }
                      rl_callback_read_char();  // may complete the line: OnLibeditLine
                      if (reading_) WaitForKeys();
                    });
}

int TerminalConsole::KeysWaiting() {
  int waiting = 0;
  return ::ioctl(input_.native_handle(), FIONREAD, &waiting) == 0 ? waiting : 0;
}

bool TerminalConsole::DropRestOfLine() {
  // Only the keys already there (the descriptor may block), one at a time: what follows the
  // end stays for libedit.
  for (int waiting = KeysWaiting(); waiting > 0; --waiting) {
    char key;
    if (::read(input_.native_handle(), &key, 1) != 1) return false;
    if (key == '\r' || key == '\n' || key == '\x04') return true;
  }
  return false;
}

void TerminalConsole::OnLibeditLine(char* line) {
  TerminalConsole& console = *active_console;
  std::optional<std::string> text;
  if (line != nullptr) {
    text = line;
    if (!text->empty() && console.kind_ == LineKind::kCommand) {
      add_history(line);
      console.new_history_.push_back(*text);
    }
    std::free(line);
  } else {
    std::fputs("\n", stdout);  // Ctrl-D leaves the cursor after the prompt
  }
  console.StopReading();
  console.handler_(std::move(text));
}

void TerminalConsole::StopReading() {
  if (!reading_) return;
  reading_ = false;  // a wait still pending finds this and reads nothing
  rl_callback_handler_remove();
  // Between lines (a call runs) the terminal stays in libedit's modes, so what is typed ahead
  // reaches the next line as typed: in the terminal's own modes a Ctrl-D typed during a call
  // would become an end-of-file mark that libedit, reading it later, no longer sees as one.
  rl_prep_terminal(1);
}

void TerminalConsole::CancelLine() {
  dropping_line_ = false;  // Ctrl-C: what is typed next is new
  if (!reading_) return;
  rl_replace_line("", 0);
  StopReading();
  std::fputs("^C\n", stdout);
  std::fflush(stdout);
}

void TerminalConsole::SetPrompt(std::string prompt) {
  prompt_ = std::move(prompt);
  if (!reading_) return;
  rl_set_prompt(prompt_.c_str());
  std::fputs("\r\x1b[K", stdout);
  rl_forced_update_display();
}

void TerminalConsole::Print(std::string_view text) {
  if (reading_) std::fputs("\r\x1b[K", stdout);  // clear the prompt line; text goes there
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (reading_) rl_forced_update_display();  // prompt and typed text, as they were
}

}  // namespace greeter::repl

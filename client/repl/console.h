#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace greeter::repl {

// Where the interactive client reads lines and prints: a terminal with line editing, or a pipe.
// Used only from the thread running the session's io_context.
class Console {
 public:
  // Receives each line asked for; nothing at the end of input (Ctrl-D, or EOF of a pipe).
  using LineHandler = std::function<void(std::optional<std::string> line)>;

  // What a line is for. Only commands are completed with Tab and kept in the history: a chat's
  // texts and a collect's names are not commands to recall.
  enum class LineKind { kCommand, kText };

  virtual ~Console() = default;

  // Shows `prompt` and delivers the next line to the handler, once. Until then, Print keeps
  // the line being typed intact below whatever it prints.
  virtual void ReadLine(std::string prompt, LineKind kind) = 0;
  // Stops reading the line asked for, if any, dropping what was typed (Ctrl-C): its handler
  // is not called.
  virtual void CancelLine() = 0;
  // Changes the prompt of the line being read, if any, in place.
  virtual void SetPrompt(std::string prompt) = 0;
  // Prints whole lines ("\n"-terminated) above the line being typed.
  virtual void Print(std::string_view text) = 0;
  // A person at a terminal: prompts, colours, timings and notices are for them. A pipe gets
  // none of these, so that a scripted session's output is the same on every run.
  virtual bool interactive() const = 0;

  void OnLine(LineHandler handler) { handler_ = std::move(handler); }

 protected:
  LineHandler handler_;
};

}  // namespace greeter::repl

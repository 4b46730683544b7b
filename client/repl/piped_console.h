#pragma once

#include <asio/io_context.hpp>
#include <deque>
#include <istream>

#include "client/repl/console.h"

namespace greeter::repl {

// Lines from a pipe or file. A thread reads ahead (a read from a regular file cannot be
// waited on with epoll) and hands each line to the io_context; the session takes them one at
// a time, so a command runs to its end before the next line is looked at.
class PipedConsole final : public Console {
 public:
  PipedConsole(asio::io_context& io, std::istream& input);

  void ReadLine(std::string prompt, LineKind kind) override;
  void CancelLine() override { wanted_ = false; }
  void SetPrompt(std::string) override {}
  void Print(std::string_view text) override;
  bool interactive() const override { return false; }

 private:
  void Deliver();  // on the io_context

  asio::io_context& io_;
  std::deque<std::string> lines_;
  bool end_of_input_ = false;
  bool wanted_ = false;
};

}  // namespace greeter::repl

#pragma once

#include <asio/io_context.hpp>
#include <deque>
#include <thread>

#include "client/repl/console.h"

namespace greeter::repl {

// Lines from a pipe or file. A thread reads ahead (a read from a regular file cannot be
// waited on with epoll) and hands each line to the io_context; the session takes them one at
// a time, so a command runs to its end before the next line is looked at.
//
// The thread waits on the input and on a wake-up pipe of its own: the destructor wakes it and
// joins it, so nothing is posted to the io_context once the console is gone (lines read ahead
// and not yet taken are dropped with it).
class PipedConsole final : public Console {
 public:
  PipedConsole(asio::io_context& io, int input_fd);
  ~PipedConsole() override;
  PipedConsole(const PipedConsole&) = delete;
  PipedConsole& operator=(const PipedConsole&) = delete;

  void ReadLine(std::string prompt, LineKind kind) override;
  void CancelLine() override { wanted_ = false; }
  void SetPrompt(std::string) override {}
  void Print(std::string_view text) override;
  bool interactive() const override { return false; }

 private:
  void ReadAhead(int input_fd);  // on the reading thread
  void Deliver();                // on the io_context

  asio::io_context& io_;
  std::deque<std::string> lines_;
  bool end_of_input_ = false;
  bool wanted_ = false;
  int wake_read_fd_ = -1, wake_write_fd_ = -1;
  std::thread reader_;  // last: it starts once the rest is ready
};

}  // namespace greeter::repl

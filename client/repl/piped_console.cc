#include "client/repl/piped_console.h"

#include <asio/post.hpp>
#include <cstdio>
#include <thread>

#include "client/input_text.h"

namespace greeter::repl {

PipedConsole::PipedConsole(asio::io_context& io, std::istream& input) : io_(io) {
  // Detached: the process may end while it is blocked in a read.
  std::thread([this, &input] {
    for (std::string line; ReadInputLine(input, line);) {
      asio::post(io_, [this, line = std::move(line)]() mutable {
        lines_.push_back(std::move(line));
        Deliver();
      });
    }
    asio::post(io_, [this] {
      end_of_input_ = true;
      Deliver();
    });
  }).detach();
}

void PipedConsole::ReadLine(std::string, LineKind) {
  wanted_ = true;
  Deliver();
}

void PipedConsole::Deliver() {
  if (!wanted_ || (lines_.empty() && !end_of_input_)) return;
  wanted_ = false;
  std::optional<std::string> line;
  if (!lines_.empty()) {
    line = std::move(lines_.front());
    lines_.pop_front();
  }
  // Posted, not called: the handler may ask for the next line at once.
  asio::post(io_, [this, line = std::move(line)]() mutable { handler_(std::move(line)); });
}

void PipedConsole::Print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace greeter::repl

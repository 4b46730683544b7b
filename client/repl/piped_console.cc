#include "client/repl/piped_console.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <asio/post.hpp>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

#include "client/input_text.h"

namespace greeter::repl {

PipedConsole::PipedConsole(asio::io_context& io, int input_fd) : io_(io) {
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
  wake_read_fd_ = wake[0];
  wake_write_fd_ = wake[1];
  reader_ = std::thread([this, input_fd] { ReadAhead(input_fd); });
}

PipedConsole::~PipedConsole() {
  // Closing the write end makes the wake-up pipe readable (end of file) for the reader's poll.
  close(wake_write_fd_);
  reader_.join();
  close(wake_read_fd_);
}

void PipedConsole::ReadAhead(int input_fd) {
  std::string pending;  // bytes of a line not yet ended
  char buffer[4096];
  for (;;) {
    pollfd ready[2] = {{input_fd, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (poll(ready, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready[1].revents != 0) return;  // the console is going: post nothing more
    const ssize_t n = read(input_fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // end of input, or it cannot be read
    pending.append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
      std::string line = pending.substr(start, end - start);
      DropCarriageReturn(line);  // a file saved on Windows
      asio::post(io_, [this, line = std::move(line)]() mutable {
        lines_.push_back(std::move(line));
        Deliver();
      });
    }
    pending.erase(0, start);
  }
  if (!pending.empty()) {  // a last line without its '\n'
    DropCarriageReturn(pending);
    asio::post(io_, [this, line = std::move(pending)]() mutable {
      lines_.push_back(std::move(line));
      Deliver();
    });
  }
  asio::post(io_, [this] {
    end_of_input_ = true;
    Deliver();
  });
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

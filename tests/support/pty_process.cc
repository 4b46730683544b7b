#include "tests/support/pty_process.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace greeter::testing {

PtyProcess::PtyProcess(const std::vector<std::string>& argv,
                       const std::vector<std::string>& environment) {
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  pid_ = forkpty(&master_fd_, nullptr, nullptr, &size);
  if (pid_ < 0) throw std::runtime_error("forkpty failed");
  if (pid_ == 0) {
    for (const auto& variable : environment) putenv(const_cast<char*>(variable.c_str()));
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

PtyProcess::~PtyProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (master_fd_ >= 0) close(master_fd_);
}

void PtyProcess::Type(const std::string& keys) {
  size_t written = 0;
  while (written < keys.size()) {
    const ssize_t n = write(master_fd_, keys.data() + written, keys.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

bool PtyProcess::TypeKeyByKey(const std::string& text, std::chrono::milliseconds timeout_per_key) {
  for (size_t at = 0; at < text.size();) {
    // A UTF-8 character is its lead byte and the continuation bytes (10xxxxxx) after it.
    size_t end = at + 1;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    const std::string key = text.substr(at, end - at);
    Type(key);
    if (!WaitFor(key, timeout_per_key)) return false;
    at = end;
  }
  return true;
}

bool PtyProcess::Pump(std::chrono::milliseconds timeout) {
  pollfd entry{master_fd_, POLLIN, 0};
  if (poll(&entry, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  const ssize_t n = read(master_fd_, buffer, sizeof buffer);
  if (n <= 0) return false;  // the child closed the terminal
  output_.append(buffer, static_cast<size_t>(n));
  return true;
}

bool PtyProcess::WaitFor(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (const size_t at = output_.find(text, consumed_); at != std::string::npos) {
      consumed_ = at + text.size();
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !Pump(left)) return false;
  }
}

int PtyProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      while (Pump(std::chrono::milliseconds(0))) {
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    // Output wakes the poll; so does the terminal closing when the child exits.
    if (!Pump(std::min(left, std::chrono::milliseconds(50)))) {
      pollfd entry{master_fd_, POLLIN, 0};
      poll(&entry, 1, 0);
    }
  }
}

}  // namespace greeter::testing

#include "tests/support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

extern char** environ;

namespace greeter::testing {
namespace {

void MakePipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  int in[2], out[2], err[2];
  MakePipe(in);
  MakePipe(out);
  MakePipe(err);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int failed = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  if (failed) throw std::runtime_error("cannot start " + argv.at(0));
  pid_fd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pid_fd_ < 0) throw std::runtime_error("pidfd_open failed");
  signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test with our write
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  for (int fd : {stdin_fd_, stdout_fd_, stderr_fd_, pid_fd_}) {
    if (fd >= 0) close(fd);
  }
}

void ChildProcess::WriteStdin(const std::string& text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + written, text.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

void ChildProcess::CloseStdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

bool ChildProcess::Pump(std::chrono::milliseconds timeout) {
  std::vector<pollfd> open;
  if (stdout_fd_ >= 0) open.push_back({stdout_fd_, POLLIN, 0});
  if (stderr_fd_ >= 0 && reading_stderr_) open.push_back({stderr_fd_, POLLIN, 0});
  if (open.empty() || poll(open.data(), open.size(), static_cast<int>(timeout.count())) <= 0) {
    return false;
  }
  for (const auto& entry : open) {
    if (!(entry.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    int& fd = entry.fd == stdout_fd_ ? stdout_fd_ : stderr_fd_;
    std::string& text = entry.fd == stdout_fd_ ? stdout_ : stderr_;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<size_t>(n));
    } else {  // end of file
      close(fd);
      fd = -1;
    }
  }
  return true;
}

std::optional<std::string> ChildProcess::ReadStdoutLine(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const size_t end = stdout_.find('\n', stdout_lines_taken_);
    if (end != std::string::npos) {
      std::string line = stdout_.substr(stdout_lines_taken_, end - stdout_lines_taken_);
      stdout_lines_taken_ = end + 1;
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || stdout_fd_ < 0) return std::nullopt;
    Pump(left);
  }
}

void ChildProcess::Signal(int signal_number) { kill(pid_, signal_number); }

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  while (stdout_fd_ >= 0 || (stderr_fd_ >= 0 && reading_stderr_)) {
    if (left().count() <= 0 || !Pump(left())) return std::nullopt;
  }
  // The pipes read are closed: the child has exited, or is about to (or, with stderr left
  // unread, may be blocked writing it).
  if (!AwaitExit(std::max(left(), std::chrono::milliseconds(0)))) return std::nullopt;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ChildProcess::AwaitExit(std::chrono::milliseconds timeout) {
  pollfd exited{pid_fd_, POLLIN, 0};
  return poll(&exited, 1, static_cast<int>(timeout.count())) == 1;
}

RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input,
                     std::chrono::milliseconds timeout) {
  ChildProcess child(argv);
  child.WriteStdin(input);
  child.CloseStdin();
  RunResult result;
  result.exit_code = child.Wait(timeout).value_or(-1);
  result.out = child.stdout_text();
  result.err = child.stderr_text();
  return result;
}

}  // namespace greeter::testing

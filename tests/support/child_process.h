#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace greeter::testing {

// A program run as a child with pipes on stdin, stdout and stderr, for end-to-end tests of the
// binaries. Reads wait on poll() with a timeout; nothing sleeps.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // kills the child if it is still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void WriteStdin(const std::string& text);
  void CloseStdin();
  // The next whole line of stdout (without '\n'), or nothing if none comes in time.
  std::optional<std::string> ReadStdoutLine(std::chrono::milliseconds timeout);
  void Signal(int signal_number);
  // Stops reading the child's stderr, so that its pipe fills and a write to it blocks, as a
  // stderr nobody reads does; ReadStderr reads it again from where it stopped.
  void LeaveStderrUnread() { reading_stderr_ = false; }
  void ReadStderr() { reading_stderr_ = true; }
  // Waits for exit, collecting the rest of stdout and stderr; the exit code, or 128 + signal,
  // or nothing if the child is still running after `timeout` (it is then killed).
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  const std::string& stdout_text() const { return stdout_; }
  const std::string& stderr_text() const { return stderr_; }

 private:
  bool Pump(std::chrono::milliseconds timeout);  // reads what is available; false on timeout

  pid_t pid_ = -1;
  int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1;
  // Waits for the child to exit, at most `timeout`; false if it has not.
  bool AwaitExit(std::chrono::milliseconds timeout);

  int pid_fd_ = -1;  // readable once the child has exited
  bool reading_stderr_ = true;
  std::string stdout_, stderr_;
  size_t stdout_lines_taken_ = 0;  // offset into stdout_ of the first line not yet returned
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs a program to its end with `input` on stdin.
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input = "",
                     std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace greeter::testing

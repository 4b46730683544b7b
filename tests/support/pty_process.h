#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace greeter::testing {

// A program on a pseudo-terminal, as a person would run it: keys go in, the screen's bytes
// come out. Waits are on the terminal's output with a timeout; nothing sleeps.
class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& argv, const std::vector<std::string>& environment);
  ~PtyProcess();  // kills the child if it is still running
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  void Type(const std::string& keys);
  // Types `text` as a person does, one key (one UTF-8 character) at a time, each after the
  // terminal has echoed the one before; returns whether every key was echoed in time.
  bool TypeKeyByKey(const std::string& text, std::chrono::milliseconds timeout_per_key);
  // Waits until `text` appears in the output after what earlier waits consumed; returns
  // whether it did. The output up to and including it counts as consumed.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout);
  // Everything the program has written to the terminal so far.
  const std::string& output() const { return output_; }
  // The exit code, or 128 + signal, or -1 if it does not end in time.
  int Wait(std::chrono::milliseconds timeout);

 private:
  bool Pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int master_fd_ = -1;
  std::string output_;
  size_t consumed_ = 0;
};

}  // namespace greeter::testing

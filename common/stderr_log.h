#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace greeter {

// Lines for stderr that whoever makes them must never wait for: greeter-server's log (a stuck
// log collector would stop every call) and greeter-client's frame view (a stderr nobody reads
// would stall the relayed connection, and so the call). Lines go into a bounded queue that a
// writer thread of its own drains. When the queue is full, lines are dropped and counted, and
// the count is written once, as soon as writing resumes: "WHO: 1234 lines dropped (...)".
class StderrLog {
 public:
  // `who` starts the dropped-lines notice ("greeter-server: log"); at most `queue_bytes` of
  // lines wait to be written.
  explicit StderrLog(std::string who, size_t queue_bytes = size_t{1} << 20);
  // Writes what is queued, waiting at most a second for a stalled stderr, then lets go.
  ~StderrLog();
  StderrLog(const StderrLog&) = delete;
  StderrLog& operator=(const StderrLog&) = delete;

  // Queues one line (with its '\n'), or drops it when the queue is full. Never blocks.
  void Write(std::string line);
  // Waits until everything queued so far is written (and any dropped-lines notice), for at
  // most `timeout`; false if it was not.
  bool Flush(std::chrono::milliseconds timeout);

  uint64_t lines_dropped() const;

 private:
  struct State;  // shared with the writer thread, which may outlive this object on a stall
  std::shared_ptr<State> state_;
};

}  // namespace greeter

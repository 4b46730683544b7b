#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace greeter {

// Everything greeter-server writes to stderr goes through here: the per-call log, gRPC's and
// protobuf's own messages, and its own notices. A reaction must never block on a log write
// (a stuck log collector would stop every call), so lines go into a bounded queue that a
// writer thread of its own drains. When the queue is full, lines are dropped and counted, and
// the count is written as soon as writing resumes: "greeter-server: log: 1234 lines dropped".
class StderrLog {
 public:
  // Holds at most `queue_bytes` of lines waiting to be written.
  explicit StderrLog(size_t queue_bytes = size_t{1} << 20);
  // Writes what is queued, waiting at most a second for a stalled stderr, then lets go.
  ~StderrLog();
  StderrLog(const StderrLog&) = delete;
  StderrLog& operator=(const StderrLog&) = delete;

  // Queues one line (with its '\n'), or drops it when the queue is full. Never blocks.
  void Write(std::string line);
  // Waits until everything queued so far is written, for at most `timeout`; false if it was not.
  bool Flush(std::chrono::milliseconds timeout);

  uint64_t lines_dropped() const;

  // gRPC's log (gpr_log) and protobuf's go to `log` from now on, one line each, instead of
  // straight to stderr from whatever thread they are on. Once `log` is destroyed they are
  // written to stderr directly.
  static void RouteLibraryLogsTo(StderrLog& log);

 private:
  struct State;  // shared with the writer thread, which may outlive this object on a stall
  std::shared_ptr<State> state_;
};

}  // namespace greeter

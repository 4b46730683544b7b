#include "server/stderr_log.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

namespace greeter {
namespace {

constexpr auto kGatherFor = std::chrono::milliseconds(1);
constexpr size_t kGatherBytes = 64 * 1024;

}  // namespace

struct StderrLog::State {
  const size_t queue_bytes;
  std::mutex mutex;
  std::condition_variable wake_writer;
  std::condition_variable written;
  std::deque<std::string> lines;
  size_t queued_bytes = 0;
  uint64_t dropped_unreported = 0;
  uint64_t dropped_total = 0;
  uint64_t lines_queued = 0;   // ever: Flush waits for lines_written to reach it
  uint64_t lines_written = 0;  // ever, dropped notices aside
  bool stopping = false;

  explicit State(size_t bytes) : queue_bytes(bytes) {}

  // Blocking write of all of `text` to stderr; gives up on an error other than a signal.
  static void WriteAll(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {  // someone made stderr non-blocking: wait for it
        pollfd ready{STDERR_FILENO, POLLOUT, 0};
        ::poll(&ready, 1, 100);
      } else {
        return;  // closed or broken: nothing more can be said
      }
    }
  }

  void WriterLoop() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake_writer.wait(lock, [&] { return stopping || !lines.empty() || dropped_unreported > 0; });
      if (lines.empty() && dropped_unreported == 0) return;  // stopping, all written
      // Let lines gather for a moment: one write per millisecond at most, not one (and a
      // wake-up of this thread) per call, which on a busy server costs the calls' own CPU.
      wake_writer.wait_for(lock, kGatherFor,
                           [&] { return stopping || queued_bytes >= kGatherBytes; });
      std::string batch;
      if (dropped_unreported > 0) {
        batch = "greeter-server: log: " + std::to_string(dropped_unreported) +
                " lines dropped (stderr was not read fast enough)\n";
        dropped_unreported = 0;
      }
      const uint64_t taken = lines.size();
      for (auto& line : lines) batch += line;
      lines.clear();
      queued_bytes = 0;
      lock.unlock();
      WriteAll(batch);  // may block for as long as nobody reads: only this thread waits
      lock.lock();
      lines_written += taken;
      written.notify_all();
    }
  }
};

namespace {

std::atomic<StderrLog*> routed_log{nullptr};

// A line for the routed log, or straight to stderr once there is none (the process is ending).
void WriteLibraryLine(std::string line) {
  if (StderrLog* log = routed_log.load()) {
    log->Write(std::move(line));
  } else {
    std::fputs(line.c_str(), stderr);
  }
}

void WriteGrpcLog(gpr_log_func_args* args) {
  WriteLibraryLine(std::string("greeter-server: grpc ") + gpr_log_severity_string(args->severity) +
                   " " + args->file + ":" + std::to_string(args->line) + ": " + args->message +
                   "\n");
}

void WriteProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                      const std::string& message) {
  static constexpr const char* kLevels[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  WriteLibraryLine(std::string("greeter-server: protobuf ") + kLevels[level] + " " + file + ":" +
                   std::to_string(line) + ": " + message + "\n");
}

}  // namespace

StderrLog::StderrLog(size_t queue_bytes) : state_(std::make_shared<State>(queue_bytes)) {
  std::thread([state = state_] { state->WriterLoop(); }).detach();
}

StderrLog::~StderrLog() {
  StderrLog* self = this;
  routed_log.compare_exchange_strong(self, nullptr);  // library lines go straight out from now
  Flush(std::chrono::seconds(1));
  std::lock_guard lock(state_->mutex);
  state_->stopping = true;
  state_->wake_writer.notify_one();
  // The writer ends by itself once all is written; on a stalled stderr it is left blocked in
  // its write, holding only the shared state, and ends with the process.
}

void StderrLog::Write(std::string line) {
  std::lock_guard lock(state_->mutex);
  if (state_->queued_bytes + line.size() > state_->queue_bytes) {
    ++state_->dropped_unreported;
    ++state_->dropped_total;
    return;
  }
  state_->queued_bytes += line.size();
  state_->lines.push_back(std::move(line));
  ++state_->lines_queued;
  // The writer takes everything queued when it wakes: wake it for the first line only, and
  // when enough has gathered.
  if (state_->lines.size() == 1 || state_->queued_bytes >= kGatherBytes) {
    state_->wake_writer.notify_one();
  }
}

bool StderrLog::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  const uint64_t target = state_->lines_queued;
  return state_->written.wait_for(lock, timeout, [&] { return state_->lines_written >= target; });
}

uint64_t StderrLog::lines_dropped() const {
  std::lock_guard lock(state_->mutex);
  return state_->dropped_total;
}

void StderrLog::RouteLibraryLogsTo(StderrLog& log) {
  routed_log.store(&log);
  gpr_set_log_function(WriteGrpcLog);
  google::protobuf::SetLogHandler(WriteProtobufLog);
}

}  // namespace greeter

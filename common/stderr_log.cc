#include "common/stderr_log.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/plural.h"

namespace greeter {
namespace {

constexpr auto kGatherFor = std::chrono::milliseconds(1);
constexpr size_t kGatherBytes = 64 * 1024;

}  // namespace

struct StderrLog::State {
  const std::string who;
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
  bool writing = false;        // a batch is on its way out
  bool stopping = false;

  State(std::string name, size_t bytes) : who(std::move(name)), queue_bytes(bytes) {}

  bool AllWritten(uint64_t queued) const {
    return lines_written >= queued && dropped_unreported == 0 && !writing;
  }

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
        batch = who + ": " + Plural(dropped_unreported, "line") +
                " dropped (stderr was not read fast enough)\n";
        dropped_unreported = 0;
      }
      const uint64_t taken = lines.size();
      for (auto& line : lines) batch += line;
      lines.clear();
      queued_bytes = 0;
      writing = true;
      lock.unlock();
      WriteAll(batch);  // may block for as long as nobody reads: only this thread waits
      lock.lock();
      writing = false;
      lines_written += taken;
      written.notify_all();
    }
  }
};

StderrLog::StderrLog(std::string who, size_t queue_bytes)
    : state_(std::make_shared<State>(std::move(who), queue_bytes)) {
  std::thread([state = state_] { state->WriterLoop(); }).detach();
}

StderrLog::~StderrLog() {
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
  return state_->written.wait_for(lock, timeout, [&] { return state_->AllWritten(target); });
}

uint64_t StderrLog::lines_dropped() const {
  std::lock_guard lock(state_->mutex);
  return state_->dropped_total;
}

}  // namespace greeter

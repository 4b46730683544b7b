#include "tools/loadgen/bidi_stream.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include <deque>
#include <mutex>

namespace greeter::bench {
namespace {

// Reads and writes complete on different threads: each decision about the next write is taken
// under the mutex, and the gRPC operation it decides on is started after releasing it.
class BidiStream final : public grpc::ClientBidiReactor<greet::HelloRequest, greet::HelloReply> {
 public:
  BidiStream(Workload& workload, CallScheduler& scheduler, int lane)
      : workload_(workload),
        scheduler_(scheduler),
        lane_(lane),
        messages_(workload.options().messages),
        window_(workload.options().window) {
    workload.ApplyDeadline(context_);
    workload.stub(lane)->SayHelloBidiStream(&context_, this);
    StartRead(&reply_);
    WriteStep step;
    {
      std::lock_guard lock(mutex_);
      step = NextWriteStep();
    }
    Take(step);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    WriteStep step = WriteStep::kNone;
    {
      std::lock_guard lock(mutex_);
      write_in_flight_ = false;
      if (ok) {
        step = NextWriteStep();
      } else {
        write_failed_ = true;  // the call has failed: OnDone reports it
      }
    }
    if (ok) {
      if (RunStats* stats = workload_.recorder().Measuring()) ++stats->messages_sent;
    }
    Take(step);
  }

  // Reads are one at a time, so this never runs concurrently with itself.
  void OnReadDone(bool ok) override {
    if (!ok) return;  // the server ended the call: OnDone follows
    const auto now = Clock::now();
    Clock::time_point sent_at;
    uint64_t answered = 0;
    WriteStep step;
    {
      std::lock_guard lock(mutex_);
      if (unanswered_since_.empty()) {
        ++unexpected_replies_;  // more replies than requests: the server is wrong
      } else {
        sent_at = unanswered_since_.front();
        unanswered_since_.pop_front();
      }
      answered = ++answered_;
      step = NextWriteStep();
    }
    if (RunStats* stats = workload_.recorder().Measuring()) {
      ++stats->messages_received;
      if (sent_at != Clock::time_point()) stats->latency.Record(now - sent_at);
      if (reply_.sequence() != answered || reply_.message() != workload_.expected_greeting()) {
        ++stats->invalid_replies;
      }
    }
    StartRead(&reply_);  // after checking reply_: the next read overwrites it
    Take(step);
  }

  void OnDone(const grpc::Status& status) override {
    if (RunStats* stats = workload_.recorder().Measuring()) {
      stats->RecordEnd(status);
      stats->invalid_replies += unexpected_replies_;
    }
    CallScheduler& scheduler = scheduler_;
    const int lane = lane_;
    delete this;
    scheduler.OnCallEnded(lane);
  }

 private:
  enum class WriteStep { kNone, kWrite, kHalfClose };

  // mutex_ held. At most one write (or the half-close) is in flight, and at most window_
  // requests are unanswered.
  WriteStep NextWriteStep() {
    if (write_in_flight_ || half_closed_ || write_failed_) return WriteStep::kNone;
    const bool all_sent = messages_ != 0 && sent_ == messages_;
    if (all_sent || workload_.stopping()) {
      half_closed_ = true;  // the server answers what it has, then ends the call
      return WriteStep::kHalfClose;
    }
    if (sent_ - answered_ >= window_) return WriteStep::kNone;
    ++sent_;
    unanswered_since_.push_back(Clock::now());
    write_in_flight_ = true;
    return WriteStep::kWrite;
  }

  void Take(WriteStep step) {
    if (step == WriteStep::kWrite) StartWrite(&workload_.request());
    if (step == WriteStep::kHalfClose) StartWritesDone();
  }

  Workload& workload_;
  CallScheduler& scheduler_;
  const int lane_;
  const uint64_t messages_;
  const uint64_t window_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;  // owned by the read in flight

  std::mutex mutex_;
  std::deque<Clock::time_point> unanswered_since_;  // write times of unanswered requests
  uint64_t sent_ = 0;
  uint64_t answered_ = 0;
  uint64_t unexpected_replies_ = 0;
  bool write_in_flight_ = false;
  bool half_closed_ = false;
  bool write_failed_ = false;
};

}  // namespace

void StartBidiStream(Workload& workload, CallScheduler& scheduler, int lane,
                     Clock::time_point /*intended_start*/) {
  new BidiStream(workload, scheduler, lane);  // deletes itself in OnDone
}

}  // namespace greeter::bench

#include "tools/loadgen/fanout_member.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include <charconv>
#include <mutex>
#include <string>

namespace greeter::bench {
namespace {

// Reads and writes complete on different threads: each decision about the next write is taken
// under the mutex, and the gRPC operation it decides on is started after releasing it.
class FanoutMember final : public grpc::ClientBidiReactor<greet::HelloRequest, greet::HelloReply> {
 public:
  FanoutMember(Workload& workload, CallScheduler& scheduler, int lane)
      : workload_(workload),
        scheduler_(scheduler),
        lane_(lane),
        name_("member-" + std::to_string(lane)),
        messages_(workload.options().messages),
        window_(workload.options().window) {
    workload.ApplyDeadline(context_);
    workload.stub(lane)->SayHelloBidiStream(&context_, this);
    request_.set_name(name_);
    request_.set_room("room-" + std::to_string(lane % workload.options().rooms));
    write_in_flight_ = true;  // the join
    StartWrite(&request_);
    StartRead(&reply_);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    WriteStep step = WriteStep::kNone;
    bool said = false;
    {
      std::lock_guard lock(mutex_);
      write_in_flight_ = false;
      said = !request_.text().empty();
      if (ok) {
        step = NextWriteStep();
      } else {
        write_failed_ = true;  // the call has failed: OnDone reports it
      }
    }
    if (ok && said) {
      if (RunStats* stats = workload_.recorder().Measuring()) ++stats->messages_sent;
    }
    Take(step);
  }

  // Reads are one at a time, so this never runs concurrently with itself.
  void OnReadDone(bool ok) override {
    if (!ok) return;  // the call has ended: OnDone follows
    const auto now = Clock::now();
    WriteStep step = WriteStep::kNone;
    if (reply_.event() == greet::WELCOME) {
      std::lock_guard lock(mutex_);
      joined_ = true;
      step = NextWriteStep();
    } else if (reply_.event() == greet::MESSAGE) {
      RecordDelivery(now);
      if (reply_.sender() == name_) {  // our own text, back from the room: one fewer unanswered
        std::lock_guard lock(mutex_);
        if (unacknowledged_ > 0) --unacknowledged_;
        step = NextWriteStep();
      }
    }                    // JOINED and LEFT: other members coming and going
    StartRead(&reply_);  // after using reply_: the next read overwrites it
    Take(step);
  }

  void OnDone(const grpc::Status& status) override {
    if (RunStats* stats = workload_.recorder().Measuring()) {
      stats->RecordEnd(status);
    }
    CallScheduler& scheduler = scheduler_;
    const int lane = lane_;
    delete this;
    scheduler.OnCallEnded(lane);
  }

 private:
  enum class WriteStep { kNone, kSay, kHalfClose };

  void RecordDelivery(Clock::time_point now) {
    RunStats* stats = workload_.recorder().Measuring();
    if (!stats) return;
    ++stats->messages_received;
    const std::string& text = reply_.text();
    int64_t sent_at = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), sent_at);
    if (error != std::errc() || end != text.data() + text.size()) {
      ++stats->invalid_replies;  // not a text of ours
      return;
    }
    stats->latency.Record(now - Clock::time_point(Clock::duration(sent_at)));
  }

  // mutex_ held. One write (the join, a text or the half-close) in flight at most, and at most
  // window_ of our own texts not yet back from the room.
  WriteStep NextWriteStep() {
    if (write_in_flight_ || half_closed_ || write_failed_ || !joined_) return WriteStep::kNone;
    if (workload_.stopping() || (messages_ != 0 && said_ == messages_)) {
      half_closed_ = true;  // leaves the room
      return WriteStep::kHalfClose;
    }
    if (unacknowledged_ >= window_) return WriteStep::kNone;
    ++said_;
    ++unacknowledged_;
    request_.Clear();
    request_.set_text(std::to_string(Clock::now().time_since_epoch().count()));
    write_in_flight_ = true;
    return WriteStep::kSay;
  }

  void Take(WriteStep step) {
    if (step == WriteStep::kSay) StartWrite(&request_);
    if (step == WriteStep::kHalfClose) StartWritesDone();
  }

  Workload& workload_;
  CallScheduler& scheduler_;
  const int lane_;
  const std::string name_;
  const uint64_t messages_;
  const uint64_t window_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;  // owned by the read in flight

  std::mutex mutex_;
  greet::HelloRequest request_;  // owned by the write in flight
  uint64_t said_ = 0;
  uint64_t unacknowledged_ = 0;
  bool joined_ = false;
  bool write_in_flight_ = false;
  bool half_closed_ = false;
  bool write_failed_ = false;
};

// A member that joins and never reads, not even its WELCOME: its stream's flow-control window
// fills and the server's writes to it stall, as to a phone in a pocket. The server cuts it off
// as a slow consumer (expected: no error is counted), and its lane stays empty.
class IdleFanoutMember final
    : public grpc::ClientBidiReactor<greet::HelloRequest, greet::HelloReply> {
 public:
  IdleFanoutMember(Workload& workload, CallScheduler& scheduler, int lane)
      : scheduler_(scheduler), lane_(lane) {
    workload.stub(lane)->SayHelloBidiStream(&context_, this);
    request_.set_name("idle-" + std::to_string(lane));
    request_.set_room("room-" + std::to_string(lane % workload.options().rooms));
    StartWrite(&request_);
    StartCall();
  }
  void OnDone(const grpc::Status&) override {
    CallScheduler& scheduler = scheduler_;
    const int lane = lane_;
    delete this;
    scheduler.OnLaneFinished(lane);  // a phone in a pocket does not come back
  }

 private:
  CallScheduler& scheduler_;
  const int lane_;
  grpc::ClientContext context_;
  greet::HelloRequest request_;
};

}  // namespace

void StartFanoutMember(Workload& workload, CallScheduler& scheduler, int lane,
                       Clock::time_point /*intended_start*/) {
  if (lane < workload.options().idle_members) {
    new IdleFanoutMember(workload, scheduler, lane);  // deletes itself in OnDone
    return;
  }
  new FanoutMember(workload, scheduler, lane);  // deletes itself in OnDone
}

}  // namespace greeter::bench

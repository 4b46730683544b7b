#include "tools/loadgen/idle_streams.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

namespace greeter::bench {

// One held-open bidi stream. Release() is called from outside the reactions, so the stream holds
// itself open (AddHold) until then.
class IdleStream final : public grpc::ClientBidiReactor<greet::HelloRequest, greet::HelloReply> {
 public:
  IdleStream(Workload& workload, IdleStreams& group, int lane)
      : workload_(workload), group_(group), opened_at_(Clock::now()) {
    workload.ApplyDeadline(context_);
    workload.stub(lane)->SayHelloBidiStream(&context_, this);
    AddHold();
    StartWrite(&workload.request());
    StartRead(&reply_);
    StartCall();
  }

  void Release() {
    bool read_now = false;
    {
      std::lock_guard lock(mutex_);
      released_ = true;
      read_now = !read_in_flight_;  // else OnReadDone goes on reading
      read_in_flight_ = true;
    }
    StartWritesDone();
    if (read_now) StartRead(&reply_);  // to the end of the stream, so that OnDone can come
    RemoveHold();                      // last touch: OnDone may delete this at once
  }

  void OnReadDone(bool ok) override {
    bool first_reply = false;
    bool read_on = false;
    {
      std::lock_guard lock(mutex_);
      first_reply = !opened_;
      opened_ = true;
      read_on = ok && released_;
      read_in_flight_ = read_on;
    }
    if (first_reply) {
      if (ok) {
        if (RunStats* stats = workload_.recorder().Measuring()) {
          ++stats->messages_received;
          stats->latency.Record(Clock::now() - opened_at_);
        }
      }
      group_.OnOpened(ok);
    }
    if (read_on) StartRead(&reply_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return;
    if (RunStats* stats = workload_.recorder().Measuring()) ++stats->messages_sent;
  }

  void OnDone(const grpc::Status& status) override {
    IdleStreams& group = group_;
    delete this;
    group.OnEnded(status);
  }

 private:
  Workload& workload_;
  IdleStreams& group_;
  const Clock::time_point opened_at_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;
  std::mutex mutex_;
  bool read_in_flight_ = true;  // the first read starts in the constructor
  bool opened_ = false;
  bool released_ = false;
};

IdleStreams::IdleStreams(Workload& workload) : workload_(workload) {}

bool IdleStreams::Open(Clock::time_point deadline) {
  const int count = workload_.options().concurrency;
  streams_.reserve(static_cast<size_t>(count));
  for (int lane = 0; lane < count; ++lane) {
    streams_.push_back(new IdleStream(workload_, *this, lane));  // deletes itself in OnDone
  }
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return answered_ == streams_.size(); });
}

bool IdleStreams::Release(Clock::time_point deadline) {
  for (IdleStream* stream : streams_) stream->Release();
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return ended_ == streams_.size(); });
}

void IdleStreams::OnOpened(bool /*ok*/) {
  std::lock_guard lock(mutex_);
  ++answered_;
  changed_.notify_all();
}

void IdleStreams::OnEnded(const grpc::Status& status) {
  if (RunStats* stats = workload_.recorder().Measuring()) {
    stats->RecordEnd(status);
  }
  std::lock_guard lock(mutex_);
  ++ended_;
  changed_.notify_all();
}

}  // namespace greeter::bench

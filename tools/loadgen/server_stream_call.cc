#include "tools/loadgen/server_stream_call.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

namespace greeter::bench {
namespace {

class ServerStreamCall final : public grpc::ClientReadReactor<greet::HelloReply> {
 public:
  ServerStreamCall(Workload& workload, CallScheduler& scheduler, int lane,
                   Clock::time_point intended_start)
      : workload_(workload), scheduler_(scheduler), lane_(lane), intended_start_(intended_start) {
    workload.ApplyDeadline(context_);
    workload.stub(lane)->SayHelloServerStream(&context_, &workload.request(), this);
    StartRead(&reply_);
    StartCall();
  }

  // Reads are one at a time, so this never runs concurrently with itself.
  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream has ended: OnDone follows
    ++replies_;
    if (RunStats* stats = workload_.recorder().Measuring()) {
      ++stats->messages_received;
      if (reply_.sequence() != replies_) ++stats->invalid_replies;
    }
    if (workload_.stopping()) {
      context_.TryCancel();  // the run is over: end a long stream now instead of reading it out
      return;
    }
    StartRead(&reply_);
  }

  void OnDone(const grpc::Status& status) override {
    if (RunStats* stats = workload_.recorder().Measuring()) {
      if (stats->RecordEnd(status)) {
        ++stats->messages_sent;
        stats->latency.Record(Clock::now() - intended_start_);
        if (replies_ != workload_.request().count()) ++stats->invalid_replies;
      }
    }
    CallScheduler& scheduler = scheduler_;
    const int lane = lane_;
    delete this;
    scheduler.OnCallEnded(lane);
  }

 private:
  Workload& workload_;
  CallScheduler& scheduler_;
  const int lane_;
  const Clock::time_point intended_start_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;
  uint32_t replies_ = 0;
};

}  // namespace

void StartServerStreamCall(Workload& workload, CallScheduler& scheduler, int lane,
                           Clock::time_point intended_start) {
  new ServerStreamCall(workload, scheduler, lane, intended_start);  // deletes itself in OnDone
}

}  // namespace greeter::bench

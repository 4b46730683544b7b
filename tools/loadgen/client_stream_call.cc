#include "tools/loadgen/client_stream_call.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

namespace greeter::bench {
namespace {

class ClientStreamCall final : public grpc::ClientWriteReactor<greet::HelloRequest> {
 public:
  ClientStreamCall(Workload& workload, CallScheduler& scheduler, int lane,
                   Clock::time_point intended_start)
      : workload_(workload),
        scheduler_(scheduler),
        lane_(lane),
        intended_start_(intended_start),
        messages_(workload.options().messages) {
    workload.ApplyDeadline(context_);
    workload.stub(lane)->SayHelloClientStream(&context_, &reply_, this);
    WriteNext();
    StartCall();
  }

  // Writes are one at a time, so this never runs concurrently with itself.
  void OnWriteDone(bool ok) override {
    if (!ok) return;  // the call failed: OnDone reports it
    ++written_;
    if (RunStats* stats = workload_.recorder().Measuring()) ++stats->messages_sent;
    if (written_ == messages_) return;  // that was the last write, with the half-close
    if (workload_.stopping()) {
      StartWritesDone();  // end early but cleanly: the server still greets what it got
      return;
    }
    WriteNext();
  }

  void OnDone(const grpc::Status& status) override {
    if (RunStats* stats = workload_.recorder().Measuring()) {
      if (stats->RecordEnd(status)) {
        ++stats->messages_received;
        stats->latency.Record(Clock::now() - intended_start_);
        if (reply_.count() != written_) ++stats->invalid_replies;
      }
    }
    CallScheduler& scheduler = scheduler_;
    const int lane = lane_;
    delete this;
    scheduler.OnCallEnded(lane);
  }

 private:
  void WriteNext() {
    if (written_ + 1 == messages_) {
      StartWriteLast(&workload_.request(), grpc::WriteOptions());
    } else {
      StartWrite(&workload_.request());
    }
  }

  Workload& workload_;
  CallScheduler& scheduler_;
  const int lane_;
  const Clock::time_point intended_start_;
  const uint32_t messages_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;
  uint32_t written_ = 0;
};

}  // namespace

void StartClientStreamCall(Workload& workload, CallScheduler& scheduler, int lane,
                           Clock::time_point intended_start) {
  new ClientStreamCall(workload, scheduler, lane, intended_start);  // deletes itself in OnDone
}

}  // namespace greeter::bench

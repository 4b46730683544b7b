#include "tools/loadgen/unary_call.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

namespace greeter::bench {
namespace {

class UnaryCall final : public grpc::ClientUnaryReactor {
 public:
  UnaryCall(Workload& workload, CallScheduler& scheduler, int lane,
            Clock::time_point intended_start)
      : workload_(workload), scheduler_(scheduler), lane_(lane), intended_start_(intended_start) {
    workload.ApplyDeadline(context_);
    workload.stub(lane)->SayHello(&context_, &workload.request(), &reply_, this);
    StartCall();
  }

  void OnDone(const grpc::Status& status) override {
    if (RunStats* stats = workload_.recorder().Measuring()) {
      if (stats->RecordEnd(status)) {
        ++stats->messages_sent;
        ++stats->messages_received;
        stats->latency.Record(Clock::now() - intended_start_);
        if (reply_.message() != workload_.expected_greeting()) ++stats->invalid_replies;
      }
    }
    CallScheduler& scheduler = scheduler_;
    const int lane = lane_;
    delete this;  // before the next call starts, so its memory can be reused at once
    scheduler.OnCallEnded(lane);
  }

 private:
  Workload& workload_;
  CallScheduler& scheduler_;
  const int lane_;
  const Clock::time_point intended_start_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;
};

}  // namespace

void StartUnaryCall(Workload& workload, CallScheduler& scheduler, int lane,
                    Clock::time_point intended_start) {
  new UnaryCall(workload, scheduler, lane, intended_start);  // deletes itself in OnDone
}

}  // namespace greeter::bench

#include "server/delayed_unary_reactor.h"

namespace greeter {

DelayedUnaryReactor::DelayedUnaryReactor(CallTracker tracker, grpc::Status status,
                                         std::chrono::milliseconds delay, asio::io_context& timers)
    : tracker_(std::move(tracker)), status_(std::move(status)), timer_(timers) {
  timer_.Wait(delay, [this](bool elapsed) {
    if (!elapsed) status_ = grpc::Status::CANCELLED;
    if (status_.ok()) tracker_.CountOut();  // the reply goes now
    Finish(status_);                        // last touch: OnDone may follow on another thread
  });
}

void DelayedUnaryReactor::OnDone() {
  tracker_.Report(status_);
  delete this;
}

}  // namespace greeter

#include "server/unary_reply_reactor.h"

namespace greeter {

UnaryReplyReactor::UnaryReplyReactor(CallTracker tracker, grpc::Status status,
                                     std::chrono::milliseconds delay,
                                     std::optional<ReplyMemory::Claim> claim,
                                     asio::io_context& timers)
    : tracker_(std::move(tracker)),
      status_(std::move(status)),
      claim_(std::move(claim)),
      timer_(timers) {
  if (delay.count() == 0) {
    FinishWith(true);
    return;
  }
  timer_.Wait(delay, [this](bool elapsed) { FinishWith(elapsed); });
}

void UnaryReplyReactor::FinishWith(bool delay_elapsed) {
  if (!delay_elapsed) status_ = grpc::Status::CANCELLED;
  if (status_.ok()) tracker_.CountOut();  // the reply goes now
  Finish(status_);                        // last touch: OnDone may follow on another thread
}

void UnaryReplyReactor::OnDone() {
  tracker_.Report(status_);
  delete this;
}

}  // namespace greeter

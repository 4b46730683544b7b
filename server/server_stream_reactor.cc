#include "server/server_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"

namespace greeter {

ServerStreamReactor::ServerStreamReactor(grpc::CallbackServerContext* context,
                                         const greet::HelloRequest& request,
                                         const ServerLimits& limits, asio::io_context& timers,
                                         const CallObserver& observer)
    : context_(context),
      tracker_("SayHelloServerStream", context, observer),
      name_(request.name()),
      count_(request.has_count() ? request.count() : kDefaultStreamCount),
      interval_(request.has_interval_ms() ? request.interval_ms() : kDefaultStreamIntervalMs),
      include_call_info_(request.include_call_info()),
      timer_(timers) {
  tracker_.CountIn();
  if (auto status = ValidateServerStreamRequest(request, limits); !status.ok()) {
    FinishCall(std::move(status));
  } else if (count_ == 0) {
    FinishCall(grpc::Status::OK);
  } else {
    WriteNextReply();
  }
}

void ServerStreamReactor::WriteNextReply() {
  ++sent_;
  reply_.set_message(GreetInStream(name_, sent_, count_));
  reply_.set_sequence(sent_);
  if (include_call_info_) {
    reply_.mutable_call()->set_peer(context_->peer());
    reply_.mutable_call()->set_client_half_closed(true);  // one request: closed when it came
  }
  StartWrite(&reply_);
}

void ServerStreamReactor::OnWriteDone(bool ok) {
  if (!ok) {  // the client is gone or cancelled: nothing more can be delivered
    FinishCall(grpc::Status::CANCELLED);
    return;
  }
  tracker_.CountOut();
  if (sent_ == count_) {
    FinishCall(grpc::Status::OK);
    return;
  }
  if (interval_.count() == 0) {
    WriteNextReply();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_) {
      timer_.expires_after(interval_);
      timer_.async_wait([this](const asio::error_code&) { OnIntervalElapsed(); });
      return;
    }
  }
  FinishCall(grpc::Status::CANCELLED);  // outside the lock: OnDone may delete us at once
}

void ServerStreamReactor::OnIntervalElapsed() {
  bool cancelled = false;
  {
    std::lock_guard lock(mutex_);
    cancelled = cancelled_;
  }
  if (cancelled) {
    FinishCall(grpc::Status::CANCELLED);
    return;
  }
  // A cancel arriving from here on fails the write, and OnWriteDone finishes the call.
  WriteNextReply();
}

void ServerStreamReactor::OnCancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  timer_.cancel();  // a pending wait ends now, with operation_aborted
}

void ServerStreamReactor::FinishCall(grpc::Status status) {
  finished_with_ = status;
  Finish(std::move(status));  // last touch of the call: OnDone may follow on another thread
}

void ServerStreamReactor::OnDone() {
  tracker_.Report(finished_with_);
  delete this;
}

}  // namespace greeter

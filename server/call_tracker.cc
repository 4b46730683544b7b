#include "server/call_tracker.h"

#include "server/call_knobs.h"

namespace greeter {

CallTracker::CallTracker(const char* method, grpc::CallbackServerContext* context,
                         CallEnvironment& env)
    : method_(method), context_(context), reporter_(env.reporter) {
  std::string peer = context->peer();
  auto place = env.open_calls.TryEnter(peer);
  if (auto* slot = std::get_if<OpenCalls::Slot>(&place)) {
    slot_.emplace(std::move(*slot));
  } else {
    refused_peer_ = std::move(peer);
    admission_refusal_ = std::get<grpc::Status>(std::move(place));
  }
  reporter_.CallStarted();  // after taking its place: a call counted as started holds one
}

grpc::Status CallTracker::Admit() {
  if (admission_refusal_) return *admission_refusal_;
  return EchoRequestedMetadata(*context_);
}

const std::string& CallTracker::peer() const { return slot_ ? slot_->peer() : refused_peer_; }

void CallTracker::Report(const grpc::Status& finished_with) {
  if (!reporter_.observed()) {
    slot_.reset();
    reporter_.CallFinished({});
    return;
  }
  CallRecord record;
  record.method = method_;
  record.peer = peer();
  record.code = finished_with.error_code();
  record.message = finished_with.error_message();
  if (context_->IsCancelled()) {
    // The client's deadline fires a moment before the server's copy of it (which starts when
    // the headers arrive): a cancel that close to the deadline is the deadline.
    constexpr auto kDeadlineSkew = std::chrono::milliseconds(100);
    const bool deadline_passed =
        context_->deadline() <= std::chrono::system_clock::now() + kDeadlineSkew;
    record.code =
        deadline_passed ? grpc::StatusCode::DEADLINE_EXCEEDED : grpc::StatusCode::CANCELLED;
    record.message = deadline_passed ? "deadline exceeded" : "call cancelled";
    if (!server_cancel_reason_.empty()) {
      record.code = grpc::StatusCode::CANCELLED;
      record.message = "cancelled by the server: " + server_cancel_reason_;
    }
  }
  record.duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start_);
  record.messages_in = messages_in();
  record.messages_out = messages_out();
  slot_.reset();  // before the report: a call reported has given its place back
  reporter_.CallFinished(record);
}

}  // namespace greeter

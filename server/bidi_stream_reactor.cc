#include "server/bidi_stream_reactor.h"

#include "server/greeting_conversation.h"
#include "server/rooms/room_session.h"
#include "server/wire_messages.h"

namespace greeter {

BidiStreamReactor::BidiStreamReactor(grpc::CallbackServerContext* context, CallEnvironment& env,
                                     RoomEngine& rooms)
    : context_(context), env_(env), rooms_(rooms), tracker_("SayHelloBidiStream", context, env) {
  if (grpc::Status refusal = tracker_.Admit(); !refusal.ok()) {
    End(std::move(refusal));
    return;
  }
  StartRead(&first_request_);
}

void BidiStreamReactor::OnReadDone(bool ok) {
  std::shared_ptr<BidiConversation> conversation;
  {
    std::lock_guard lock(mutex_);
    conversation = conversation_;
  }
  if (conversation) {
    conversation->OnReadDone(ok);
    return;
  }
  if (!ok) {  // no request at all: nothing to answer
    End(grpc::Status::OK);
    return;
  }
  tracker_.CountIn();
  greet::HelloRequest first;
  if (auto status = ParseRequest(first_request_, 1, first); !status.ok()) {
    End(std::move(status));
    return;
  }
  conversation = Choose(std::move(first));
  bool cancelled;
  {
    std::lock_guard lock(mutex_);
    conversation_ = conversation;
    cancelled = cancelled_;
  }
  if (cancelled) conversation->OnCancel();  // before it began: it begins as a dead call
  conversation->Begin();
}

std::shared_ptr<BidiConversation> BidiStreamReactor::Choose(greet::HelloRequest first) {
  if (first.room().empty()) return std::make_shared<GreetingConversation>(*this, env_, first);
  return std::make_shared<RoomSession>(*this, env_, rooms_, first);
}

void BidiStreamReactor::OnWriteDone(bool ok) { conversation_->OnWriteDone(ok); }  // one began

void BidiStreamReactor::OnCancel() {
  std::shared_ptr<BidiConversation> conversation;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    conversation = conversation_;
  }
  if (conversation) conversation->OnCancel();  // else the first read fails, or Choose tells it
}

void BidiStreamReactor::End(grpc::Status status) {
  finished_with_ = status;
  Finish(std::move(status));  // OnDone may follow at once, on another thread
}

void BidiStreamReactor::OnDone() {
  if (conversation_) conversation_->OnDone();
  tracker_.Report(finished_with_);
  delete this;
}

}  // namespace greeter

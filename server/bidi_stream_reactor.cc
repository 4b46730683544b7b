#include "server/bidi_stream_reactor.h"

#include "server/greetings.h"
#include "server/request_validation.h"
#include "server/wire_messages.h"

namespace greeter {

BidiStreamReactor* BidiStreamReactor::Start(grpc::CallbackServerContext* context,
                                            CallEnvironment& env, Rooms& rooms) {
  auto reactor = std::make_shared<BidiStreamReactor>(context, env, rooms);
  reactor->self_ = reactor;
  if (reactor->refusal_) reactor->Flush();  // refused before any read: finish at once
  return reactor.get();
}

BidiStreamReactor::BidiStreamReactor(grpc::CallbackServerContext* context, CallEnvironment& env,
                                     Rooms& rooms)
    : context_(context),
      env_(env),
      limits_(env.limits),
      rooms_(rooms),
      tracker_("SayHelloBidiStream", context, env),
      timer_(env.timers) {
  if (grpc::Status refusal = tracker_.Admit(); !refusal.ok()) {
    refusal_ = std::move(refusal);
    return;
  }
  read_in_flight_ = true;
  StartRead(&request_bytes_);
}

void BidiStreamReactor::OnReadDone(bool ok) {
  RoomAction action;
  {
    std::lock_guard lock(mutex_);
    if (ok && !finished_) {
      action = TakeRequest();
    } else if (!ok) {
      client_half_closed_ = true;  // or cancelled: then the writes fail too
      if ((action.room = LeaveRoom())) action.kind = RoomAction::kLeave;
      if (!refusal_) refusal_ = knobs_.FailureNeverDue(replies_made_);
    }
  }
  Perform(action);  // the read stays "in flight" until here, so the call cannot end meanwhile
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    read_in_flight_ = false;
    steps = Advance();
  }
  Take(std::move(steps));
}

BidiStreamReactor::RoomAction BidiStreamReactor::TakeRequest() {
  tracker_.CountIn();
  const uint64_t requests_read = tracker_.messages_in();
  if (auto status = ParseRequest(request_bytes_, requests_read, request_); !status.ok()) {
    refusal_ = status;  // nothing after it is acted on; what is queued still goes out
    if (auto room = LeaveRoom()) return {RoomAction::kLeave, "", std::move(room)};
    return {};
  }
  if (requests_read == 1 && !request_.room().empty()) {  // join a room
    if (auto status = ValidateName(request_, limits_); !status.ok()) {
      refusal_ = status;
      return {};
    }
    if (auto status = ValidateLength("room", request_.room(), limits_.max_name_bytes);
        !status.ok()) {
      refusal_ = status;
      return {};
    }
    room_ = request_.room();
    member_name_ = request_.name();
    if (request_.has_resume_after()) {
      resume_ = Rooms::Resume{request_.resume_after(), request_.resume_epoch()};
    }
    in_room_ = true;
    return {RoomAction::kJoin, "", nullptr};
  }
  if (!room_.empty()) {        // a member speaks
    if (!in_room_) return {};  // cut off or closed: the call is ending
    if (auto status = ValidateLength("text", request_.text(), limits_.max_text_bytes);
        !status.ok()) {
      refusal_ = status;
      return {RoomAction::kLeave, "", LeaveRoom()};
    }
    // No next read starts before this request is handled: its text can be moved out.
    return {RoomAction::kSay, std::move(*request_.mutable_text()), room_handle_};
  }
  TakePlainRequest();
  return {};
}

void BidiStreamReactor::TakePlainRequest() {
  const uint64_t requests_read = tracker_.messages_in();  // this one included
  if (auto status = ValidateName(request_, limits_); !status.ok()) {
    refusal_ = grpc::Status(status.error_code(), "request " + std::to_string(requests_read) + ": " +
                                                     status.error_message());
    return;
  }
  if (requests_read == 1) {  // the first request carries the call's knobs
    auto knobs = CallKnobs::From(request_, limits_, std::nullopt);
    if (auto* refusal = std::get_if<grpc::Status>(&knobs)) {
      refusal_ = *refusal;
      return;
    }
    knobs_ = std::get<CallKnobs>(knobs);
  }
  if (auto failure = knobs_.FailureDue(replies_made_)) {  // on purpose: stop here
    refusal_ = *failure;
    return;
  }
  QueuedReply queued;
  greet::HelloReply& reply = queued.reply;
  reply.set_message(GreetOne(request_.name()));
  reply.set_sequence(replies_made_ + 1);
  if (request_.include_call_info()) reply.mutable_call()->set_peer(tracker_.peer());
  knobs_.Shape(reply);
  queued.bytes = reply.ByteSizeLong();
  queued.claim = env_.reply_memory.TryClaim(queued.bytes);
  if (!queued.claim) {
    refusal_ = env_.reply_memory.Refusal();
    return;
  }
  ++replies_made_;
  queued_bytes_ += queued.bytes;
  replies_.push_back(std::move(queued));
  if (auto failure = knobs_.FailureDue(replies_made_)) refusal_ = *failure;  // after this reply
}

void BidiStreamReactor::Perform(const RoomAction& action) {
  switch (action.kind) {
    case RoomAction::kJoin: {
      Rooms::Handle joined;
      const auto status = rooms_.Join(room_, member_name_, shared_from_this(), resume_, joined);
      bool left_meanwhile = false;
      {
        std::lock_guard lock(mutex_);
        if (!status.ok()) {
          in_room_ = false;
          refusal_ = status;
        } else {
          room_handle_ = joined;
          left_meanwhile = !in_room_;  // cancelled, cut off or closed while joining
        }
      }
      if (left_meanwhile) rooms_.Leave(joined, member_name_, this);
      break;
    }
    case RoomAction::kSay:
      rooms_.Say(action.room, member_name_, action.text);
      break;
    case RoomAction::kLeave:
      rooms_.Leave(action.room, member_name_, this);
      break;
    case RoomAction::kNone:
      break;
  }
}

void BidiStreamReactor::ClearQueue() {
  replies_.clear();
  if (events_) events_->clear();
  queued_bytes_ = 0;
  texts_queued_ = presence_queued_ = 0;
}

Rooms::Handle BidiStreamReactor::LeaveRoom() {
  if (!in_room_) return nullptr;
  in_room_ = false;
  return room_handle_;  // none yet while joining: the join then sees in_room_ and leaves
}

bool BidiStreamReactor::Enqueue(const SharedRoomEvent& event, bool replayed) {
  std::lock_guard lock(mutex_);
  if (finished_ || call_dead_ || !in_room_) return true;  // on its way out already
  if (replayed) {
    Events().push_back({event, ++replies_made_, false});
    return true;
  }
  const bool text = event->is_text();
  const size_t behind = text ? texts_queued_ : presence_queued_;
  const size_t limit = text ? limits_.room_member_queue : limits_.room_presence_queue;
  if (behind >= limit) {
    cut_off_ = true;
    in_room_ = false;
    ClearQueue();  // memory stays bounded whatever the client does
    refusal_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            "room " + room_ + ": this client fell " + std::to_string(limit) +
                                (text ? " messages" : " joins and leaves") +
                                " behind (it reads too slowly), so it was cut off for the room "
                                "to go on");
    return false;
  }
  ++(text ? texts_queued_ : presence_queued_);
  Events().push_back({event, ++replies_made_, true});
  return true;
}

void BidiStreamReactor::Close(const grpc::Status& status) {
  std::lock_guard lock(mutex_);
  in_room_ = false;
  if (!refusal_) refusal_ = status;
}

void BidiStreamReactor::Flush() {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    steps = Advance();
  }
  Take(std::move(steps));
}

void BidiStreamReactor::OnWriteDone(bool ok) {
  claim_in_flight_.reset();  // gRPC has the bytes, or the write failed
  if (ok) tracker_.CountOut();
  OnWriteSlotFreed(ok);
}

void BidiStreamReactor::OnWriteSlotFreed(bool usable) {
  NextSteps steps;
  Rooms::Handle leaving;
  {
    std::lock_guard lock(mutex_);
    write_in_flight_ = false;
    if (!usable) {  // the call is over for the client: drop what is queued
      call_dead_ = true;
      ClearQueue();
      leaving = LeaveRoom();
    }
    steps = Advance();
  }
  if (leaving) rooms_.Leave(leaving, member_name_, this);
  Take(std::move(steps));
}

void BidiStreamReactor::OnCancel() {
  timer_.Cancel();
  NextSteps steps;
  Rooms::Handle leaving;
  {
    std::lock_guard lock(mutex_);
    call_dead_ = true;
    ClearQueue();
    leaving = LeaveRoom();
    steps = Advance();
  }
  if (leaving) rooms_.Leave(leaving, member_name_, this);  // the others hear of it at once
  Take(std::move(steps));
}

void BidiStreamReactor::CancelStuckWrite() {
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !write_in_flight_ || cancelling_) return;
    cancelling_ = true;  // keeps the call (and so the context) from finishing meanwhile
    tracker_.NoteServerCancel((refusal_ ? refusal_->error_message() : std::string("cut off")) +
                              "; its write stayed stuck for " +
                              std::to_string(limits_.slow_consumer_grace.count()) + " ms more");
  }
  context_->TryCancel();  // fails the stuck write; OnWriteDone finishes the call
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    cancelling_ = false;
    steps = Advance();
  }
  Take(std::move(steps));
}

BidiStreamReactor::NextSteps BidiStreamReactor::Advance() {
  NextSteps steps;
  if (finished_) return steps;
  if (!write_in_flight_ && (!replies_.empty() || HasEvents())) {
    if (!first_reply_delayed_ && knobs_.first_reply_delay.count() > 0) {
      first_reply_delayed_ = true;
      write_in_flight_ = steps.wait_first_reply_delay = true;  // the write slot waits
    } else {
      if (HasEvents()) {  // a room's: its bytes are shared, the sequence this member's
        event_in_flight_ = std::move(events_->front());
        events_->pop_front();
        if (event_in_flight_->counted) {
          --(event_in_flight_->event->is_text() ? texts_queued_ : presence_queued_);
        }
      } else {
        event_in_flight_.reset();
        QueuedReply& next = replies_.front();
        reply_in_flight_ = std::move(next.reply);
        claim_in_flight_ = std::move(next.claim);
        queued_bytes_ -= next.bytes;
        replies_.pop_front();
        if (reply_in_flight_.has_call()) {
          reply_in_flight_.mutable_call()->set_client_half_closed(client_half_closed_);
        }
      }
      write_in_flight_ = steps.write = true;
    }
  }
  if (cut_off_ && write_in_flight_ && !grace_started_) {
    grace_started_ = steps.start_grace = true;
  }
  const bool room_mode = !room_.empty();
  const bool reading_ended = client_half_closed_ || refusal_ || call_dead_;
  if (!read_in_flight_ && !reading_ended &&
      (room_mode || (replies_.size() < limits_.bidi_replies_in_flight &&
                     queued_bytes_ < limits_.max_call_reply_memory_bytes))) {
    read_in_flight_ = steps.read = true;
    if (room_mode) {
      steps.read_in_room = true;
      ++reads_starting_;
    }
  }
  // A room member that the server ends (closing, cut off) does not wait for its pending read:
  // the client may never send again, and Finish fails that read, once StartRead has been
  // called. A cancelled call waits for it: the cancel fails it at once. A plain stream's reads
  // have already stopped by then.
  const bool reads_settled =
      !read_in_flight_ || (room_mode && reads_starting_ == 0 && refusal_ && !call_dead_);
  if (reading_ended && reads_settled && !write_in_flight_ && !cancelling_ && replies_.empty() &&
      !HasEvents()) {
    finished_ = true;
    steps.finish = call_dead_ ? grpc::Status::CANCELLED : refusal_.value_or(grpc::Status::OK);
  }
  return steps;
}

void BidiStreamReactor::Take(NextSteps steps) {
  if (steps.write) {
    // Made here, not under the mutex: the write slot is this thread's until OnWriteDone.
    reply_bytes_ = event_in_flight_ ? event_in_flight_->event->WireFor(event_in_flight_->sequence)
                                    : SerializeReply(reply_in_flight_);
    StartWrite(&reply_bytes_);
  }
  if (steps.wait_first_reply_delay) {
    timer_.Wait(knobs_.first_reply_delay, [this](bool elapsed) { OnWriteSlotFreed(elapsed); });
  }
  if (steps.start_grace) {
    timer_.Wait(limits_.slow_consumer_grace, [self = shared_from_this()](bool elapsed) {
      if (elapsed) self->CancelStuckWrite();
    });
  }
  if (steps.read) StartRead(&request_bytes_);
  if (steps.read_in_room) {  // now a room member's call may end with this read pending
    NextSteps after_read;
    {
      std::lock_guard lock(mutex_);
      --reads_starting_;
      after_read = Advance();
    }
    Take(std::move(after_read));
  }
  if (steps.finish) {
    finished_with_ = *steps.finish;
    Finish(std::move(*steps.finish));  // last touch: OnDone may follow on another thread
  }
}

void BidiStreamReactor::OnDone() {
  timer_.Cancel();  // a pending grace wait lets go of this reactor now
  Rooms::Handle leaving;
  {
    std::lock_guard lock(mutex_);
    leaving = LeaveRoom();
  }
  if (leaving) rooms_.Leave(leaving, member_name_, this);
  tracker_.Report(finished_with_);
  self_.reset();  // may delete this: nothing after
}

}  // namespace greeter

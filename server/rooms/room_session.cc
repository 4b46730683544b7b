#include "server/rooms/room_session.h"

#include "server/bidi_stream_reactor.h"
#include "server/request_validation.h"
#include "server/wire_messages.h"

namespace greeter {

RoomSession::RoomSession(BidiStreamReactor& call, CallEnvironment& env, RoomEngine& rooms,
                         const greet::HelloRequest& first)
    : call_(call), limits_(env.limits), rooms_(rooms), timer_(env.timers), room_(first.room()) {
  if (auto status = ValidateName(first, limits_); !status.ok()) {
    refusal_ = status;
    return;
  }
  if (auto status = ValidateLength("room", first.room(), limits_.max_name_bytes); !status.ok()) {
    refusal_ = status;
    return;
  }
  join_ = RoomJoin{first.room(), first.name(), std::nullopt};
  if (first.has_resume_after())
    join_->resume = RoomResume{first.resume_after(), first.resume_epoch()};
  in_room_ = true;
}

void RoomSession::Begin() {
  if (join_) {
    bool still_joining;
    {
      std::lock_guard lock(mutex_);
      still_joining = in_room_;  // else cancelled before it began
    }
    // The answer (Seated or Refused) may come before Join returns: no lock held here.
    if (still_joining) rooms_.Join(std::move(*join_), shared_from_this());
    join_.reset();
  }
  Flush();
}

void RoomSession::Seated(std::shared_ptr<RoomSeat> seat) {
  bool left_meanwhile;
  {
    std::lock_guard lock(mutex_);
    left_meanwhile = !in_room_;  // cancelled, cut off or closed while joining
    if (!left_meanwhile) seat_ = seat;
  }
  if (left_meanwhile) seat->Leave();
  Flush();  // reading starts now
}

void RoomSession::Refused(const grpc::Status& status) {
  {
    std::lock_guard lock(mutex_);
    in_room_ = false;
    if (!refusal_) refusal_ = status;
  }
  Flush();
}

void RoomSession::OnReadDone(bool ok) {
  std::shared_ptr<RoomSeat> speaking, leaving;
  std::string text;
  {
    std::lock_guard lock(mutex_);
    handling_read_ = true;  // until the end of this reaction: the call must not end under it
    if (ok && !finished_) call_.tracker().CountIn();
    if (ok && !finished_ && in_room_) {
      greet::HelloRequest request;
      if (auto status = ParseRequest(request_bytes_, call_.tracker().messages_in(), request);
          !status.ok()) {
        refusal_ = status;  // nothing after it is acted on; what is queued still goes out
        leaving = LeaveRoom();
      } else if (auto length = ValidateLength("text", request.text(), limits_.max_text_bytes);
                 !length.ok()) {
        refusal_ = length;
        leaving = LeaveRoom();
      } else {
        speaking = seat_;  // reads start only once seated
        text = std::move(*request.mutable_text());
      }
    } else if (!ok) {
      client_half_closed_ = true;  // or cancelled: then the writes fail too
      leaving = LeaveRoom();
    }
  }
  // The read stays "in flight" until these are done, so the call cannot end meanwhile.
  if (speaking) speaking->Say(std::move(text));
  if (leaving) leaving->Leave();
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    read_in_flight_ = false;
    handling_read_ = false;
    steps = Advance();
  }
  Take(std::move(steps));
}

std::shared_ptr<RoomSeat> RoomSession::LeaveRoom() {
  if (!in_room_) return nullptr;  // left, or the engine took it out (cut off, closed)
  in_room_ = false;
  return seat_;  // none yet while joining: Seated then sees in_room_ and leaves
}

void RoomSession::ClearQueue() {
  events_.clear();
  texts_queued_ = presence_queued_ = 0;
}

bool RoomSession::Enqueue(const SharedRoomEvent& event, bool replayed) {
  std::lock_guard lock(mutex_);
  if (finished_ || call_dead_ || !in_room_) return true;  // on its way out already
  if (replayed) {
    events_.push_back({event, ++events_made_, false});
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
  events_.push_back({event, ++events_made_, true});
  return true;
}

void RoomSession::Close(const grpc::Status& status) {
  std::lock_guard lock(mutex_);
  in_room_ = false;
  if (!refusal_) refusal_ = status;
}

void RoomSession::Flush() {
  NextSteps steps;
  {
    std::lock_guard lock(mutex_);
    steps = Advance();
  }
  Take(std::move(steps));
}

void RoomSession::OnWriteDone(bool ok) {
  if (ok) call_.tracker().CountOut();
  NextSteps steps;
  std::shared_ptr<RoomSeat> leaving;
  {
    std::lock_guard lock(mutex_);
    write_in_flight_ = false;
    if (!ok) {  // the call is over for the client: drop what is queued
      call_dead_ = true;
      ClearQueue();
      leaving = LeaveRoom();
    }
    steps = Advance();
  }
  if (leaving) leaving->Leave();
  Take(std::move(steps));
}

void RoomSession::OnCancel() {
  timer_.Cancel();
  NextSteps steps;
  std::shared_ptr<RoomSeat> leaving;
  {
    std::lock_guard lock(mutex_);
    call_dead_ = true;
    ClearQueue();
    leaving = LeaveRoom();
    steps = Advance();
  }
  if (leaving) leaving->Leave();  // the others hear of it at once
  Take(std::move(steps));
}

void RoomSession::CancelStuckWrite() {
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !write_in_flight_ || cancelling_) return;
    cancelling_ = true;  // keeps the call (and so the context) from finishing meanwhile
    call_.tracker().NoteServerCancel(
        (refusal_ ? refusal_->error_message() : std::string("cut off")) +
        "; its write stayed stuck for " + std::to_string(limits_.slow_consumer_grace.count()) +
        " ms more");
  }
  call_.context().TryCancel();  // fails the stuck write; OnWriteDone finishes the call
  {
    std::lock_guard lock(mutex_);
    cancelling_ = false;
  }
  Flush();
}

RoomSession::NextSteps RoomSession::Advance() {
  NextSteps steps;
  if (finished_) return steps;
  if (!write_in_flight_ && !events_.empty()) {
    event_in_flight_ = std::move(events_.front());
    events_.pop_front();
    if (event_in_flight_->counted) {
      --(event_in_flight_->event->is_text() ? texts_queued_ : presence_queued_);
    }
    write_in_flight_ = steps.write = true;
  }
  if (cut_off_ && write_in_flight_ && !grace_started_) {
    grace_started_ = steps.start_grace = true;
  }
  const bool reading_ended = client_half_closed_ || refusal_ || call_dead_;
  if (!read_in_flight_ && !reading_ended && seat_) {  // a member reads once seated
    read_in_flight_ = steps.read = true;
    ++reads_starting_;
  }
  // A member that the server ends (closing, cut off, refused) does not wait for its pending
  // read: the client may never send again, and Finish fails that read, once StartRead has been
  // called. A cancelled call waits for it: the cancel fails it at once.
  const bool reads_settled =
      !handling_read_ && (!read_in_flight_ || (reads_starting_ == 0 && refusal_ && !call_dead_));
  if (reading_ended && reads_settled && !write_in_flight_ && !cancelling_ && events_.empty()) {
    finished_ = true;
    steps.finish = call_dead_ ? grpc::Status::CANCELLED : refusal_.value_or(grpc::Status::OK);
  }
  return steps;
}

void RoomSession::Take(NextSteps steps) {
  if (steps.write) {
    // Made here, not under the mutex: the write slot is this thread's until OnWriteDone.
    event_in_flight_->event->WriteFor(event_in_flight_->sequence, reply_bytes_);
    call_.StartWrite(&reply_bytes_);
  }
  if (steps.start_grace) {
    timer_.Wait(limits_.slow_consumer_grace, [self = shared_from_this()](bool elapsed) {
      if (elapsed) self->CancelStuckWrite();
    });
  }
  if (steps.read) {
    call_.StartRead(&request_bytes_);
    {
      std::lock_guard lock(mutex_);
      --reads_starting_;  // now the call may end with this read pending
    }
    Flush();
  }
  if (steps.finish) call_.End(std::move(*steps.finish));  // last touch of the call
}

void RoomSession::OnDone() {
  timer_.Cancel();  // a pending grace wait lets go of this session now
  std::shared_ptr<RoomSeat> leaving;
  {
    std::lock_guard lock(mutex_);
    leaving = LeaveRoom();
  }
  if (leaving) leaving->Leave();
}

}  // namespace greeter

#include "client/room_chat.h"

#include <algorithm>
#include <thread>

#include "client/reply_printer.h"
#include "common/plural.h"

namespace greeter {
namespace {

constexpr size_t kMostPendingTexts = 1000;  // said while away; more wait (Send) or are refused
constexpr std::chrono::milliseconds kFirstRetryWait{100};
constexpr std::chrono::milliseconds kLongestRetryWait{5000};
constexpr std::chrono::milliseconds kLongestHeldSeatRetryWait{1000};  // one join script a second

// What a rejoin's WELCOME says, for people.
std::string RejoinNote(const greet::HelloReply& welcome) {
  if (welcome.history_lost()) {
    return "rejoined " + welcome.room() +
           "; its history is lost (the server restarted, or the room was emptied and replaced): "
           "what was said while you were away is unknown";
  }
  std::string note = "rejoined " + welcome.room() + ": " +
                     Plural(welcome.replayed_events(), "event") + " you missed shown above";
  if (welcome.missed_events() > 0) {
    note += "; " + std::to_string(welcome.missed_events()) +
            " older ones are lost (beyond the room's history)";
  }
  return note;
}

}  // namespace

std::shared_ptr<RoomChat> RoomChat::Start(greet::Greeter::Stub& stub,
                                          std::shared_ptr<grpc::Channel> channel,
                                          CallSettings settings, std::string name, std::string room,
                                          Handlers handlers) {
  auto chat = std::make_shared<RoomChat>(stub, std::move(channel), std::move(settings),
                                         std::move(name), std::move(room), std::move(handlers));
  chat->Join();
  return chat;
}

RoomChat::RoomChat(greet::Greeter::Stub& stub, std::shared_ptr<grpc::Channel> channel,
                   CallSettings settings, std::string name, std::string room, Handlers handlers)
    : stub_(stub),
      channel_(std::move(channel)),
      settings_(std::move(settings)),
      name_(std::move(name)),
      room_(std::move(room)),
      handlers_(std::move(handlers)) {}

void RoomChat::Join() {
  greet::HelloRequest join = settings_.JoinRequest(name_, room_);
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    waiting_to_rejoin_ = false;
    if (done_ || cancelled_) return;
    if (last_sequence_) {
      join.set_resume_after(*last_sequence_);
      join.set_resume_epoch(epoch_);
    }
    welcomed_ = false;
    close_sent_ = false;
    generation = ++call_generation_;
  }
  auto self = shared_from_this();
  CallHandlers handlers{[self](const greet::HelloReply& event) { self->OnEvent(event); },
                        [self](const grpc::Status& status) { self->OnCallDone(status); },
                        handlers_.on_metadata};
  auto call = BidiCall::Start(stub_, settings_, std::move(handlers));
  call->Send(std::move(join));  // the first request of a new call: its queue is empty
  bool cancel_now = false;
  {
    std::lock_guard lock(mutex_);
    if (call_generation_ == generation) call_ = call;
    cancel_now = cancelled_;
  }
  if (cancel_now) call->Cancel();
  Pump();  // a WELCOME may have come before call_ was set
}

void RoomChat::OnEvent(const greet::HelloReply& event) {
  bool rejoined = false;
  {
    std::lock_guard lock(mutex_);
    last_sequence_ = event.room_sequence();
    epoch_ = event.room_epoch();
    if (event.event() == greet::WELCOME) {
      welcomed_ = true;
      rejoined = failed_rejoins_ > 0;
      failed_rejoins_ = 0;
      retry_wait_ = std::chrono::milliseconds(0);
    }
  }
  if (handlers_.on_event) handlers_.on_event(event);
  if (event.event() != greet::WELCOME) return;
  if (rejoined) Note(RejoinNote(event));
  Pump();
}

void RoomChat::Pump() {
  std::unique_lock lock(mutex_);
  if (pumping_) {  // another thread is at it: it goes round once more
    pump_again_ = true;
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    while (!pending_.empty() && welcomed_ && call_) {
      auto call = call_;
      greet::HelloRequest& next = pending_.front();  // a deque's elements stay where they are
      lock.unlock();
      // Never waits: Pump runs on gRPC's threads. A full queue calls back when it has room.
      const auto offer = call->TrySend(next, [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->Pump();
      });
      lock.lock();
      // kFull: resumed by the callback; kClosed: that call is over, the text waits for the next.
      if (offer != BidiCall::Offer::kQueued) break;
      pending_.pop_front();
      changed_.notify_all();
    }
  } while (pump_again_);
  pumping_ = false;
  std::function<void()> on_room;
  if (pending_.size() < kMostPendingTexts) on_room = std::move(on_pending_room_);
  on_pending_room_ = nullptr;
  std::shared_ptr<BidiCall> to_close;
  if (closed_ && !close_sent_ && pending_.empty() && welcomed_ && call_) {
    close_sent_ = true;
    to_close = call_;
  }
  lock.unlock();
  if (on_room) on_room();
  if (to_close) to_close->Close();  // the user said all, and all of it is sent
}

bool RoomChat::Send(greet::HelloRequest request) {
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_ || pending_.size() < kMostPendingTexts; });
    if (done_ || closed_) return false;
    pending_.push_back(std::move(request));
  }
  Pump();
  return true;
}

BidiCall::Offer RoomChat::TrySend(greet::HelloRequest& request, std::function<void()> on_room) {
  {
    std::lock_guard lock(mutex_);
    if (done_ || closed_) return BidiCall::Offer::kClosed;
    if (pending_.size() >= kMostPendingTexts) {  // the room has been away for long
      on_pending_room_ = std::move(on_room);
      return BidiCall::Offer::kFull;
    }
    pending_.push_back(std::move(request));
  }
  Pump();
  return BidiCall::Offer::kQueued;
}

void RoomChat::Close() {
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    closed_ = true;
  }
  Pump();  // half-closes once what is pending is sent
}

void RoomChat::Cancel() {
  std::unique_lock lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
  auto call = call_;
  const bool no_call = waiting_to_rejoin_;  // between calls: nothing of gRPC's will end it
  lock.unlock();
  if (no_call) {
    Finish({grpc::StatusCode::CANCELLED, "cancelled while rejoining " + room_});
    return;
  }
  if (call) call->Cancel();
}

void RoomChat::OnCallDone(const grpc::Status& status) {
  bool rejoin = false, seat_held = false, tell_seat_held = false, first_loss = false;
  {
    std::lock_guard lock(mutex_);
    // A lost connection or a server going away (which may cancel what its drain did not end);
    // not the user's own end (a cancel, or a half-close the server answered), nor a refusal
    // (but a rejoin's ALREADY_EXISTS is its old seat, held for a killed server: class comment).
    const auto code = status.error_code();
    const bool lost = code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::CANCELLED;
    // Only a chat that was once welcomed (it has a last sequence) had a seat to wait out.
    seat_held = code == grpc::StatusCode::ALREADY_EXISTS && failed_rejoins_ > 0 &&
                last_sequence_.has_value() &&
                std::chrono::steady_clock::now() - lost_at_ < kHeldSeatWait;
    rejoin = (lost || seat_held) && !cancelled_ && !close_sent_;
    if (seat_held) {
      tell_seat_held = !told_seat_held_;
      told_seat_held_ = true;
    }
    if (rejoin) {
      first_loss = failed_rejoins_ == 0;
      if (first_loss) {
        lost_at_ = std::chrono::steady_clock::now();
        told_seat_held_ = false;
      }
      waiting_to_rejoin_ = true;
      welcomed_ = false;
      // The first retry at once; then, while the joins fail (a server still shutting down is
      // still connected), each waits twice as long, up to kLongestRetryWait.
      retry_wait_ = failed_rejoins_++ == 0
                        ? std::chrono::milliseconds(0)
                        : std::min(seat_held ? kLongestHeldSeatRetryWait : kLongestRetryWait,
                                   std::max(kFirstRetryWait, retry_wait_ * 2));
    }
  }
  if (!rejoin) {
    Finish(status);
    return;
  }
  if (tell_seat_held) {
    Note(room_ +
         " still holds your old seat (its server stopped answering; the seat goes when "
         "that server's presence expires); retrying ...");
  } else if (first_loss) {  // a rejoin that fails too (a server still draining) says nothing
    if (handlers_.on_lost) handlers_.on_lost();
    Note("lost the room (" + StatusText(status) + "); rejoining " + room_ + " ...");
  }
  // Waiting for the channel blocks: not on gRPC's thread.
  std::thread([self = shared_from_this()] { self->Rejoin(); }).detach();
}

void RoomChat::Rejoin() {
  {
    std::unique_lock lock(mutex_);
    if (changed_.wait_for(lock, retry_wait_, [&] { return cancelled_; }))
      return;  // Cancel ended it
  }
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() + kReconnectWait)) {
    // Whatever the last failed join ended with (a draining server cancels), what ends the chat
    // is the server that did not come back.
    Finish({grpc::StatusCode::UNAVAILABLE, "could not reconnect to rejoin " + room_ + " within " +
                                               std::to_string(kReconnectWait.count()) + " s"});
    return;
  }
  Join();
}

void RoomChat::Note(const std::string& note) {
  std::lock_guard lock(handlers_mutex_);
  if (!ended_ && handlers_.on_note) handlers_.on_note(note);
}

void RoomChat::Finish(const grpc::Status& status) {
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    done_ = true;
    waiting_to_rejoin_ = false;
    call_.reset();
    changed_.notify_all();
  }
  std::lock_guard lock(handlers_mutex_);
  ended_ = true;
  if (handlers_.on_done) handlers_.on_done(status);
}

}  // namespace greeter

#include "client/room_chat.h"

#include <algorithm>
#include <thread>

#include "client/reply_printer.h"

namespace greeter {
namespace {

constexpr size_t kMostPendingTexts = 1000;  // said while away; more are refused
constexpr std::chrono::milliseconds kFirstRetryWait{100};
constexpr std::chrono::milliseconds kLongestRetryWait{5000};

// What a rejoin's WELCOME says, for people.
std::string RejoinNote(const greet::HelloReply& welcome) {
  if (welcome.history_lost()) {
    return "rejoined " + welcome.room() +
           "; its history is lost (the server restarted, or the room was emptied and replaced): "
           "what was said "
           "while you were away is unknown";
  }
  std::string note = "rejoined " + welcome.room() + ": " +
                     std::to_string(welcome.replayed_events()) + " event" +
                     (welcome.replayed_events() == 1 ? "" : "s") + " you missed shown above";
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
  {
    std::lock_guard lock(mutex_);
    waiting_to_rejoin_ = false;
    if (done_) return;  // cancelled while waiting to rejoin
    if (last_sequence_) {
      join.set_resume_after(*last_sequence_);
      join.set_resume_epoch(epoch_);
    }
    welcomed_ = false;
  }
  auto self = shared_from_this();
  CallHandlers handlers{[self](const greet::HelloReply& event) { self->OnEvent(event); },
                        [self](const grpc::Status& status) { self->OnCallDone(status); }};
  auto call = BidiCall::Start(stub_, settings_, std::move(handlers));
  bool cancel_now = false;
  {
    std::lock_guard lock(mutex_);
    call_ = call;
    cancel_now = cancelled_;
  }
  call->Send(std::move(join));
  if (cancel_now) call->Cancel();
}

void RoomChat::OnEvent(const greet::HelloReply& event) {
  bool rejoined = false;
  {
    std::lock_guard lock(mutex_);
    last_sequence_ = event.room_sequence();
    epoch_ = event.room_epoch();
    if (event.event() == greet::WELCOME) {
      welcomed_ = true;
      failed_rejoins_ = 0;
      rejoined = rejoining_;
      rejoining_ = false;
    }
  }
  if (handlers_.on_event) handlers_.on_event(event);
  if (event.event() != greet::WELCOME) return;
  if (rejoined && handlers_.on_note) handlers_.on_note(RejoinNote(event));
  SendPending();
}

void RoomChat::SendPending() {
  std::unique_lock lock(mutex_);
  if (sending_pending_) return;
  sending_pending_ = true;
  while (!pending_.empty() && welcomed_) {
    auto call = call_;
    greet::HelloRequest& next = pending_.front();  // a deque's elements stay where they are
    lock.unlock();
    // Never waits: SendPending runs on gRPC's threads. A full queue calls back when it has room.
    const auto offer = call->TrySend(next, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->SendPending();
    });
    lock.lock();
    if (offer == BidiCall::Offer::kFull) {
      sending_pending_ = false;
      return;
    }
    pending_.pop_front();
  }
  sending_pending_ = false;
  if (on_pending_room_ && pending_.size() < kMostPendingTexts) {
    auto on_room = std::move(on_pending_room_);
    on_pending_room_ = nullptr;
    lock.unlock();
    on_room();
    lock.lock();
  }
  if (pending_.empty() && closed_ && welcomed_ && call_) {
    auto call = call_;
    lock.unlock();
    call->Close();  // the input ended while rejoining: now that all of it is sent
  }
}

bool RoomChat::Send(greet::HelloRequest request) {
  std::unique_lock lock(mutex_);
  if (done_ || closed_) return false;
  if (!welcomed_ || sending_pending_ || !pending_.empty()) {  // keep the order of the lines
    if (pending_.size() >= kMostPendingTexts) return true;    // dropped: the room is away
    pending_.push_back(std::move(request));
    lock.unlock();
    SendPending();
    return true;
  }
  auto call = call_;
  lock.unlock();
  return call->Send(std::move(request));
}

BidiCall::Offer RoomChat::TrySend(greet::HelloRequest& request, std::function<void()> on_room) {
  std::unique_lock lock(mutex_);
  if (done_ || closed_) return BidiCall::Offer::kClosed;
  if (welcomed_ && !sending_pending_ && pending_.empty()) {
    auto call = call_;
    lock.unlock();
    return call->TrySend(request, std::move(on_room));
  }
  if (pending_.size() >= kMostPendingTexts) {  // the room has been away for long
    on_pending_room_ = std::move(on_room);
    return BidiCall::Offer::kFull;
  }
  pending_.push_back(std::move(request));
  lock.unlock();
  SendPending();
  return BidiCall::Offer::kQueued;
}

void RoomChat::Close() {
  std::unique_lock lock(mutex_);
  closed_ = true;
  if (!welcomed_ || !pending_.empty()) return;  // closed after the rejoin, by SendPending
  auto call = call_;
  lock.unlock();
  call->Close();
}

void RoomChat::Cancel() {
  std::unique_lock lock(mutex_);
  cancelled_ = true;
  cancel_requested_.notify_all();
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
  bool rejoin = false;
  {
    std::lock_guard lock(mutex_);
    // A lost connection or a server going away (which may cancel what its drain did not end);
    // not the user's own end, nor a refusal.
    const auto code = status.error_code();
    rejoin = (code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::CANCELLED) &&
             !cancelled_ && !closed_;
    if (rejoin) {
      rejoining_ = true;
      waiting_to_rejoin_ = true;
      welcomed_ = false;
      // The first retry at once; then, while the joins fail (a server still shutting down is
      // still connected), each waits twice as long, up to kLongestRetryWait.
      retry_wait_ = std::min(kLongestRetryWait, failed_rejoins_++ == 0
                                                    ? std::chrono::milliseconds(0)
                                                    : std::max(kFirstRetryWait, retry_wait_ * 2));
    }
  }
  if (!rejoin) {
    Finish(status);
    return;
  }
  if (handlers_.on_note) {
    handlers_.on_note("lost the room (" + StatusText(status) + "); rejoining " + room_ + " ...");
  }
  // Waiting for the channel blocks: not on gRPC's thread.
  std::thread([self = shared_from_this(), status] {
    {
      std::unique_lock lock(self->mutex_);
      if (self->cancel_requested_.wait_for(lock, self->retry_wait_,
                                           [&] { return self->cancelled_; })) {
        lock.unlock();
        self->Finish(status);
        return;
      }
    }
    if (!self->channel_->WaitForConnected(std::chrono::system_clock::now() + kReconnectWait)) {
      {
        std::lock_guard lock(self->mutex_);
        if (self->done_) return;  // cancelled meanwhile: its end has been reported
      }
      if (self->handlers_.on_note) {
        self->handlers_.on_note("could not reconnect to rejoin " + self->room_ + " within " +
                                std::to_string(kReconnectWait.count()) + " s");
      }
      self->Finish(status);
      return;
    }
    self->Join();
  }).detach();
}

void RoomChat::Finish(const grpc::Status& status) {
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    done_ = true;
    call_.reset();
  }
  if (handlers_.on_done) handlers_.on_done(status);
}

}  // namespace greeter

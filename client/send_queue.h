#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace greeter {

// The sending half of a client-streaming or bidi call, fed from outside the reactor (a thread
// reading stdin, the terminal's event loop). gRPC allows one write in flight: Send queues, and
// each completed write starts the next. Close half-closes once the queue has drained.
//
// Because writes are started from outside the reactor's reactions, the reactor holds itself
// open (AddHold) from the start; the queue releases that hold exactly once, when it will start
// no more operations: after the half-close completes, or after a write fails.
template <class Request, class Reactor>
class SendQueue {
 public:
  SendQueue(Reactor& reactor, size_t capacity) : reactor_(reactor), capacity_(capacity) {}

  // Call before StartCall.
  void HoldCallOpen() { reactor_.AddHold(); }

  // Queues one request; blocks while `capacity` wait, so a fast producer cannot use unbounded
  // memory. Returns false when the call takes no more (closed, or it failed). For a thread of
  // its own (one reading stdin); an event loop uses TrySend.
  bool Send(Request request) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return waiting_.size() < capacity_ || state_ != State::kOpen; });
    if (state_ != State::kOpen || close_requested_) return false;
    waiting_.push_back(std::move(request));
    Step step = NextStep();
    lock.unlock();
    Take(step);
    return true;
  }

  enum class Offer { kQueued, kFull, kClosed };
  // Queues one request without ever waiting, for an event loop that must stay free (the REPL's:
  // printing, Ctrl-C, the prompt). kFull: `capacity` wait already, `request` is left as it was,
  // and `on_room` runs once (on a gRPC thread, or inside Abandon) when there is room or the call
  // takes no more: the caller holds the request until then. kClosed: the call takes no more.
  Offer TrySend(Request& request, std::function<void()> on_room) {
    std::unique_lock lock(mutex_);
    if (state_ != State::kOpen || close_requested_) return Offer::kClosed;
    if (waiting_.size() >= capacity_) {
      on_room_ = std::move(on_room);
      return Offer::kFull;
    }
    waiting_.push_back(std::move(request));
    Step step = NextStep();
    lock.unlock();
    Take(step);
    return Offer::kQueued;
  }

  // Half-closes after every queued request is written. Idempotent.
  void Close() {
    std::unique_lock lock(mutex_);
    close_requested_ = true;
    Step step = NextStep();
    lock.unlock();
    Take(step);
  }

  // The call ended for another reason (the server finished it): send nothing more.
  void Abandon() {
    std::unique_lock lock(mutex_);
    if (state_ == State::kOpen) state_ = State::kFailed;
    waiting_.clear();
    Step step = NextStep();
    auto on_room = std::move(on_room_);
    lock.unlock();
    room_.notify_all();
    if (on_room) on_room();
    Take(step);
  }

  // Forward the reactor's reactions here.
  void OnWriteDone(bool ok) {
    std::unique_lock lock(mutex_);
    write_in_flight_ = false;
    if (!ok) {
      state_ = State::kFailed;
      waiting_.clear();
    }
    Step step = NextStep();
    std::function<void()> on_room;
    if (waiting_.size() < capacity_ || state_ != State::kOpen) on_room = std::move(on_room_);
    lock.unlock();
    room_.notify_all();
    if (on_room) on_room();
    Take(step);
  }
  void OnWritesDoneDone() {
    std::unique_lock lock(mutex_);
    state_ = State::kClosed;
    Step step = NextStep();
    lock.unlock();
    Take(step);
  }

 private:
  enum class State { kOpen, kClosing, kClosed, kFailed };
  enum class Step { kNone, kWrite, kWritesDone, kReleaseHold };

  Step NextStep() {  // mutex held
    if (write_in_flight_) return Step::kNone;
    if (state_ == State::kOpen && !waiting_.empty()) {
      in_flight_ = std::move(waiting_.front());
      waiting_.pop_front();
      write_in_flight_ = true;
      return Step::kWrite;
    }
    if (state_ == State::kOpen && close_requested_) {
      state_ = State::kClosing;
      return Step::kWritesDone;
    }
    if ((state_ == State::kClosed || state_ == State::kFailed) && !hold_released_) {
      hold_released_ = true;
      return Step::kReleaseHold;
    }
    return Step::kNone;
  }

  void Take(Step step) {  // mutex released: a reaction may run inline
    switch (step) {
      case Step::kWrite:
        reactor_.StartWrite(&in_flight_);
        break;
      case Step::kWritesDone:
        reactor_.StartWritesDone();
        break;
      case Step::kReleaseHold:
        reactor_.RemoveHold();  // last touch: OnDone may follow at once
        break;
      case Step::kNone:
        break;
    }
  }

  Reactor& reactor_;
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable room_;
  std::function<void()> on_room_;  // TrySend's caller, waiting for room
  std::deque<Request> waiting_;
  Request in_flight_;
  bool write_in_flight_ = false;
  bool close_requested_ = false;
  bool hold_released_ = false;
  State state_ = State::kOpen;
};

}  // namespace greeter

#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/bidi_call.h"
#include "greet.grpc.pb.h"

namespace greeter::testing {

using namespace std::chrono_literals;

// One member of a room, on the client library's bidi call: collects every event it receives.
class Member {
 public:
  // With `request`, joins with it (resume_after, say) instead of a plain join.
  Member(greet::Greeter::Stub& stub, const std::string& name, const std::string& room,
         std::optional<greet::HelloRequest> request = std::nullopt) {
    CallSettings settings;
    settings.deadline = 60s;
    call_ = BidiCall::Start(stub, settings,
                            {[this](const greet::HelloReply& reply) {
                               std::lock_guard lock(mutex_);
                               if (reply.event() == greet::MESSAGE) ++messages_;
                               events_.push_back(reply);
                               changed_.notify_all();
                             },
                             [this](const grpc::Status& status) {
                               std::lock_guard lock(mutex_);
                               status_ = status;
                               changed_.notify_all();
                             }});
    call_->Send(request ? *request : CallSettings{}.JoinRequest(name, room));
  }
  ~Member() {  // the call's handlers refer to this member: wait for its end
    call_->Cancel();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return status_.has_value(); });
  }

  void Say(const std::string& text) { call_->Send(CallSettings::SayRequest(text)); }
  void Leave() { call_->Close(); }
  void Cancel() { call_->Cancel(); }

  // Waits until an event matches; returns it, or fails the test after `timeout`.
  greet::HelloReply WaitForEvent(const std::function<bool(const greet::HelloReply&)>& match,
                                 std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    size_t seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      for (; seen < events_.size(); ++seen) {
        if (match(events_[seen])) return events_[seen];
      }
      if (status_) {  // nothing more will come
        ADD_FAILURE() << "no such event: the call ended " << StatusText();
        return {};
      }
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
        ADD_FAILURE() << "no such event within " << timeout.count() << "ms";
        return {};
      }
    }
  }
  greet::HelloReply WaitFor(greet::RoomEvent kind, const std::string& sender) {
    return WaitForEvent(
        [&](const greet::HelloReply& e) { return e.event() == kind && e.sender() == sender; });
  }
  // Every event received so far.
  std::vector<greet::HelloReply> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<greet::HelloReply> WaitForMessages(size_t count) {
    WaitForMessageCount(count);
    std::lock_guard lock(mutex_);
    return Messages();
  }
  void WaitForMessageCount(size_t count) {
    std::unique_lock lock(mutex_);
    const bool arrived = changed_.wait_for(lock, 30s, [&] {
      return messages_ >= count || status_.has_value();
    }) && messages_ >= count;
    EXPECT_TRUE(arrived) << "got " << messages_ << " of " << count << " messages"
                         << (status_ ? "; the call ended " + StatusText() : "");
  }
  // Waits for this member's WELCOME or the end of its call: nothing once welcomed, else the
  // status its call ended with (a join a closing connection cut: a test may join again).
  std::optional<grpc::Status> WaitForWelcomeOrEnd(std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    const auto welcomed = [&] {
      return std::any_of(events_.begin(), events_.end(),
                         [](const auto& e) { return e.event() == greet::WELCOME; });
    };
    if (!changed_.wait_for(lock, timeout, [&] { return welcomed() || status_.has_value(); })) {
      ADD_FAILURE() << "neither a WELCOME nor the call's end within " << timeout.count() << "ms";
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "no WELCOME");
    }
    if (welcomed()) return std::nullopt;
    return status_;
  }
  grpc::Status WaitForStatus(std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return status_.has_value(); })) {
      ADD_FAILURE() << "the call did not end";
      return {grpc::StatusCode::UNKNOWN, "did not end"};
    }
    return *status_;
  }

 private:
  std::string StatusText() const {  // mutex held, status_ set
    return std::to_string(status_->error_code()) + ": " + status_->error_message();
  }
  std::vector<greet::HelloReply> Messages() const {  // mutex held
    std::vector<greet::HelloReply> messages;
    for (const auto& e : events_) {
      if (e.event() == greet::MESSAGE) messages.push_back(e);
    }
    return messages;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<greet::HelloReply> events_;
  size_t messages_ = 0;
  std::optional<grpc::Status> status_;
  std::shared_ptr<BidiCall> call_;
};

}  // namespace greeter::testing

#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "client/bidi_call.h"
#include "client/call_settings.h"
#include "greet.grpc.pb.h"

namespace greeter {

// A chat in a room that outlives a lost connection: when its call ends UNAVAILABLE or CANCELLED
// without the user asking (the connection dropped, or the server went away and came back), it
// waits for the channel to connect again (at most kReconnectWait; retries back off from 100 ms
// to 5 s while joins fail), rejoins with resume_after set to the last
// room_sequence it delivered, and says what was replayed, what was lost, or that the room's
// history was lost. Texts said while it rejoins are sent once it is back.
class RoomChat : public std::enable_shared_from_this<RoomChat> {
 public:
  static constexpr auto kReconnectWait = std::chrono::seconds(30);

  struct Handlers {
    std::function<void(const greet::HelloReply& event)> on_event;
    std::function<void(const std::string& note)> on_note;     // the rejoins, for people
    std::function<void(const grpc::Status& status)> on_done;  // once, last
  };

  static std::shared_ptr<RoomChat> Start(greet::Greeter::Stub& stub,
                                         std::shared_ptr<grpc::Channel> channel,
                                         CallSettings settings, std::string name, std::string room,
                                         Handlers handlers);
  // A later request (what to say), waiting while the call's send queue is full (for a thread of
  // its own that reads input). False once the chat is over.
  bool Send(greet::HelloRequest request);
  // The same without waiting, for an event loop (BidiCall::TrySend): kFull keeps `request`
  // and calls `on_room` once it may be offered again.
  BidiCall::Offer TrySend(greet::HelloRequest& request, std::function<void()> on_room);
  // Half-closes: the chat ends when the server has finished it.
  void Close();
  void Cancel();

  RoomChat(greet::Greeter::Stub& stub, std::shared_ptr<grpc::Channel> channel,
           CallSettings settings, std::string name, std::string room, Handlers handlers);

 private:
  void Join();  // the first call, or a rejoin that resumes
  void OnEvent(const greet::HelloReply& event);
  void OnCallDone(const grpc::Status& status);
  void SendPending();
  void Finish(const grpc::Status& status);

  greet::Greeter::Stub& stub_;
  const std::shared_ptr<grpc::Channel> channel_;
  const CallSettings settings_;
  const std::string name_, room_;
  const Handlers handlers_;

  std::mutex mutex_;
  std::shared_ptr<BidiCall> call_;
  bool welcomed_ = false;           // the current call has had its WELCOME: texts go straight out
  bool rejoining_ = false;          // a resume is under way
  bool waiting_to_rejoin_ = false;  // no call: waiting for the channel before the next
  bool sending_pending_ = false;
  std::deque<greet::HelloRequest> pending_;  // said while rejoining
  std::function<void()> on_pending_room_;    // a TrySend turned away by a full pending_
  bool closed_ = false, cancelled_ = false, done_ = false;
  std::optional<uint32_t> last_sequence_;  // of the events delivered
  uint64_t epoch_ = 0;
  int failed_rejoins_ = 0;  // since the last WELCOME
  std::chrono::milliseconds retry_wait_{0};
  std::condition_variable cancel_requested_;  // cuts a wait before a rejoin short
};

}  // namespace greeter

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
// to 5 s while joins fail), rejoins with resume_after set to the last room_sequence it
// delivered, and says what was replayed, what was lost, or that the room's history was lost.
// A rejoin refused ALREADY_EXISTS meets its own old seat, held for a server that was killed
// until that server's presence expires: it is retried for kHeldSeatWait after the loss.
// Every text goes through one queue (pending_) that only a welcomed call takes from, so texts
// said while it rejoins, or not yet taken when a call died, are sent once it is back.
class RoomChat : public std::enable_shared_from_this<RoomChat> {
 public:
  static constexpr auto kReconnectWait = std::chrono::seconds(30);
  // Long enough for the default presence expiry (10 s) and the sweep after it (2.5 s).
  static constexpr auto kHeldSeatWait = std::chrono::seconds(30);

  struct Handlers {
    std::function<void(const greet::HelloReply& event)> on_event;
    std::function<void(const std::string& note)> on_note;     // the rejoins, for people
    std::function<void(const grpc::Status& status)> on_done;  // once, last; nothing after it
    CallHandlers::MetadataHandler on_metadata = {};           // each call's, before its end
    std::function<void()> on_lost = {};  // the room was lost, a rejoin begins (before its note)
  };

  static std::shared_ptr<RoomChat> Start(greet::Greeter::Stub& stub,
                                         std::shared_ptr<grpc::Channel> channel,
                                         CallSettings settings, std::string name, std::string room,
                                         Handlers handlers);
  // A later request (what to say), waiting while kMostPendingTexts wait already (for a thread
  // of its own that reads input). False once the chat is over.
  bool Send(greet::HelloRequest request);
  // The same without waiting, for an event loop (BidiCall::TrySend): kFull keeps `request`
  // and calls `on_room` once it may be offered again.
  BidiCall::Offer TrySend(greet::HelloRequest& request, std::function<void()> on_room);
  // Half-closes, once every text before it is sent: the chat ends when the server finishes it.
  void Close();
  void Cancel();

  RoomChat(greet::Greeter::Stub& stub, std::shared_ptr<grpc::Channel> channel,
           CallSettings settings, std::string name, std::string room, Handlers handlers);

 private:
  void Join();  // the first call, or a rejoin that resumes
  void OnEvent(const greet::HelloReply& event);
  void OnCallDone(const grpc::Status& status);
  void Rejoin();  // on a thread of its own: it waits
  void Pump();    // moves pending_ into the current call
  void Note(const std::string& note);
  void Finish(const grpc::Status& status);

  greet::Greeter::Stub& stub_;
  const std::shared_ptr<grpc::Channel> channel_;
  const CallSettings settings_;
  const std::string name_, room_;
  const Handlers handlers_;

  std::mutex handlers_mutex_;  // a note and the end never cross; nothing follows the end
  bool ended_ = false;

  std::mutex mutex_;
  std::condition_variable changed_;  // pending_ shrank, the chat ended, or it was cancelled
  std::shared_ptr<BidiCall> call_;
  uint64_t call_generation_ = 0;  // of call_: a call that ended fast never replaces a newer one
  bool welcomed_ = false;         // call_ has had its WELCOME: it takes texts
  bool pumping_ = false, pump_again_ = false;
  std::deque<greet::HelloRequest> pending_;  // said, not yet taken by a call
  std::function<void()> on_pending_room_;    // a TrySend turned away by a full pending_
  bool closed_ = false;                      // the user has said all
  bool close_sent_ = false;                  // ...and the current call was half-closed
  bool cancelled_ = false, done_ = false;
  bool waiting_to_rejoin_ = false;         // no call: waiting for the channel before the next
  std::optional<uint32_t> last_sequence_;  // of the events delivered
  uint64_t epoch_ = 0;
  int failed_rejoins_ = 0;  // losses since the last WELCOME: a WELCOME after one is a rejoin
  std::chrono::steady_clock::time_point lost_at_;  // the first of those losses
  bool told_seat_held_ = false;                    // since then
  std::chrono::milliseconds retry_wait_{0};
};

}  // namespace greeter

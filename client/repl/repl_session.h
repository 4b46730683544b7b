#pragma once

#include <grpcpp/channel.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "client/call_settings.h"
#include "client/repl/command.h"
#include "client/repl/console.h"
#include "client/room_members.h"
#include "client/wire/frame_line_switch.h"
#include "client/wire/wire_view.h"
#include "greet.grpc.pb.h"

namespace greeter::repl {

// The interactive client: reads commands, runs calls on its one channel, prints what happens.
// Everything here runs on the io_context's one thread; gRPC's threads only post events to it,
// tagged with the call they belong to, so events of a call the user has left are ignored.
class ReplSession {
 public:
  // `frames`: the wire view's lines, when the client runs with --frames (else null); `view`:
  // the wire view, whose relay the channel then connects to.
  ReplSession(asio::io_context& io, std::shared_ptr<grpc::Channel> channel, std::string target,
              CallSettings settings, Console& console, std::function<void()> on_quit,
              wire::FrameLineSwitch* frames = nullptr, const wire::WireView* view = nullptr);

  void Start();
  // Ctrl-C: cancels the call in progress, or clears the line being typed.
  void OnInterrupt();
  void OnConnectivity(grpc_connectivity_state state);
  // Why the channel could not connect, when gRPC says (AskWhyCannotConnect).
  void OnCannotConnect(const std::string& reason);
  void Quit();
  // Prints the server's initial and trailing metadata after each call (--show-metadata, `set
  // metadata on`).
  void ShowMetadata(bool on) { show_metadata_ = on; }
  // The exit status a script earns: its first failure's, kUsageExitCode for a line that could
  // not be run, 64 + the code for a call that failed (as a one-shot command's); 0 for none.
  int exit_code() const { return exit_code_; }

 private:
  enum class Mode {
    kCommand,  // reading a command
    kCall,     // a call runs; Ctrl-C cancels it
    kCollect,  // reading names for a client stream
    kChat,     // reading lines for a bidi stream
  };
  struct ActiveCall {
    uint64_t id = 0;
    std::chrono::steady_clock::time_point start;
    bool streamed_replies = false;
    uint64_t replies = 0;
    std::function<void()> cancel;
    // collect and chat: the request a typed line makes, and a way to queue a request that
    // never waits: false when the call's queue is full (then on_room runs once it has room).
    std::function<greet::HelloRequest(std::string line)> request_for;
    std::function<bool(greet::HelloRequest& request, std::function<void()> on_room)> offer;
    std::optional<greet::HelloRequest> held;  // a typed line's request, waiting for room
    std::function<void()> close;              // collect and chat: half-close
    std::deque<std::string> unsent;           // collect NAME...: the names not yet offered
    bool close_when_sent = false;        // collect NAME...: half-close once they are all offered
    std::string room;                    // chat: the room, if any
    std::optional<RoomMembers> members;  // chat in a room: who else is there
  };

  void Prompt();
  std::string PromptText() const;
  void OnLine(std::optional<std::string> line);
  void Execute(const Command& command);
  void Print(const std::string& text);
  void Notice(const std::string& text);  // for people only: left out of piped sessions

  void StartHello(const Hello& command);
  void StartStream(const Stream& command);
  void StartCollect(const Collect& command);
  void SendUnsent();  // collect NAME...: offers the names while there is room, then closes
  void StartChat(const Chat& command);
  void StartTour(const Tour& command);
  void ShowStatus(std::chrono::steady_clock::time_point give_up);
  // set and unset of the test knobs and of metadata: what the setting now is, in words, or why
  // it was refused.
  struct KnobOutcome {
    KnobOutcome(std::string words, bool refusal = false)
        : text(std::move(words)), refused(refusal) {}
    KnobOutcome(const char* words) : KnobOutcome(std::string(words)) {}
    std::string text;
    bool refused;
  };
  KnobOutcome ApplyKnob(const Command& command);
  std::string SettingsRows() const;  // for status: deadline, headers, knobs
  std::string ReplyLines(const greet::HelloReply& reply) const;

  ActiveCall& BeginCall(bool streamed_replies);
  CallHandlers HandlersFor(uint64_t id);
  void OnReply(uint64_t id, const greet::HelloReply& reply);
  void OnCallDone(uint64_t id, const grpc::Status& status);
  // Sends a typed line of a collect or chat, unless it is not UTF-8: `field` is what it is.
  void SendLine(std::string_view field, std::string line);
  // Hands a request to the call, or holds it while the call's queue is full: the next line is
  // not read until it has gone (so nothing on this thread ever waits for the network).
  void Offer(greet::HelloRequest request);
  void OnRoomToSend(uint64_t id);
  void PromptUnlessHolding();
  void EndCall(const grpc::Status& status, bool cancelled_by_user);
  void StartRoomChat(const Chat& command);
  void Failed(int exit_code);  // remembers the first failure
  // Every call and probe begun posts one last event when it is over (a cancelled call too,
  // after the user has left it); a quit ends the io_context only once all have come, so that
  // nothing is posted to it after it is gone.
  void Began() { ++in_flight_; }
  void Over();

  asio::io_context& io_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<greet::Greeter::Stub> stub_;
  const std::string target_;
  CallSettings settings_;
  Console& console_;
  std::function<void()> on_quit_;
  wire::FrameLineSwitch* frames_;
  const wire::WireView* view_;

  Mode mode_ = Mode::kCommand;
  std::optional<ActiveCall> call_;
  uint64_t last_call_id_ = 0;
  bool quitting_ = false;
  uint64_t in_flight_ = 0;  // calls and probes whose last event has not come
  bool show_metadata_ = false;
  int exit_code_ = 0;

  asio::steady_timer status_timer_{io_};  // status: looking again until streams have ended

  // What the connection has been, for notices that tell the truth: connected once the channel
  // is ready; a loss only when connecting again fails (a server that closes idle connections
  // leaves the channel idle, which is no loss).
  grpc_connectivity_state state_ = GRPC_CHANNEL_IDLE;
  bool was_ready_ = false;
  bool said_cannot_connect_ = false;  // before the first connection
  bool lost_ = false;                 // said "lost the connection"; not yet back
  // Reconnect at once when the channel next goes idle, to find out whether the server is still
  // there. Spent by one such reconnect; a call renews it. So a server that closes idle
  // connections gets one reconnect, not one per idle period.
  bool probe_when_idle_ = true;
};

}  // namespace greeter::repl

#include "client/repl/repl_session.h"

#include <asio/post.hpp>

#include "client/bidi_call.h"
#include "client/channelz_reader.h"
#include "client/channelz_report.h"
#include "client/client_stream_call.h"
#include "client/connect_failure.h"
#include "client/failure_knob.h"
#include "client/input_text.h"
#include "client/repl/call_summary.h"
#include "client/repl/connection_watcher.h"
#include "client/reply_printer.h"
#include "client/room_chat.h"
#include "client/server_stream_call.h"
#include "client/status_command.h"
#include "client/status_row.h"
#include "client/tour.h"
#include "client/unary_call.h"
#include "common/command_line.h"
#include "common/duration.h"
#include "common/utf8.h"

namespace greeter::repl {
namespace {

// Terminal colours, each wrapped in libedit's markers for text that takes no room on screen.
std::string Coloured(std::string_view text, std::string_view colour) {
  return "\001\x1b[" + std::string(colour) + "m\002" + std::string(text) + "\001\x1b[0m\002";
}

std::string_view StateColour(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_READY:
      return "32";  // green
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
    case GRPC_CHANNEL_SHUTDOWN:
      return "31";  // red
    default:
      return "33";  // yellow
  }
}

}  // namespace

ReplSession::ReplSession(asio::io_context& io, std::shared_ptr<grpc::Channel> channel,
                         std::string target, CallSettings settings, Console& console,
                         std::function<void()> on_quit, wire::FrameLineSwitch* frames,
                         const wire::WireView* view)
    : io_(io),
      channel_(channel),
      stub_(greet::Greeter::NewStub(channel)),
      target_(std::move(target)),
      settings_(std::move(settings)),
      console_(console),
      on_quit_(std::move(on_quit)),
      frames_(frames),
      view_(view) {
  console_.OnLine([this](std::optional<std::string> line) { OnLine(std::move(line)); });
}

void ReplSession::Start() {
  Notice("greeter: connecting to " + target_ +
         " over one channel for this session. Type help for the commands.\n");
  Prompt();
}

void ReplSession::Print(const std::string& text) { console_.Print(text); }

void ReplSession::Notice(const std::string& text) {
  if (console_.interactive()) console_.Print(text);
}

std::string ReplSession::PromptText() const {
  if (!console_.interactive()) return "";
  switch (mode_) {
    case Mode::kCollect:
      return Coloured("name", "2") + "> ";
    case Mode::kChat:
      return Coloured(call_ && !call_->room.empty() ? call_->room : "chat", "2") + "> ";
    default:
      return "greeter " + Coloured(StateName(state_), StateColour(state_)) + "> ";
  }
}

void ReplSession::Prompt() {
  if (quitting_) return;
  console_.ReadLine(PromptText(), mode_ == Mode::kCommand ? Console::LineKind::kCommand
                                                          : Console::LineKind::kText);
}

void ReplSession::OnConnectivity(grpc_connectivity_state state) {
  if (state == state_) return;
  const grpc_connectivity_state before = state_;
  state_ = state;
  switch (state) {
    case GRPC_CHANNEL_READY:
      if (!was_ready_) Notice("greeter: connected to " + target_ + "\n");
      if (lost_) Notice("! connected again to " + target_ + "\n");
      was_ready_ = true;
      lost_ = false;
      break;
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      if (!was_ready_ && !said_cannot_connect_) {
        said_cannot_connect_ = true;
        Began();
        AskWhyCannotConnect(channel_, [this](std::string reason) {
          asio::post(io_, [this, reason = std::move(reason)] {
            Over();
            if (!quitting_) OnCannotConnect(reason);
          });
        });
      }
      if (was_ready_ && !lost_) {
        lost_ = true;
        probe_when_idle_ = true;  // once back, a later loss is looked for again
        Notice("! lost the connection to " + target_ + "; reconnecting by itself\n");
      }
      break;
    case GRPC_CHANNEL_IDLE:
      // A connection the server closed (idle, or going away): connect again at once only to
      // learn whether it is still there, or while trying to reach it.
      if (!was_ready_ || lost_ || (before == GRPC_CHANNEL_READY && probe_when_idle_)) {
        if (before == GRPC_CHANNEL_READY) probe_when_idle_ = false;
        channel_->GetState(/*try_to_connect=*/true);
      }
      break;
    default:
      break;
  }
  console_.SetPrompt(PromptText());
}

void ReplSession::OnCannotConnect(const std::string& reason) {
  if (was_ready_) return;  // connected meanwhile
  Notice("greeter: cannot connect to " + target_ + ": " +
         (reason.empty() ? std::string("no reason given") : reason) + "; trying again by itself\n");
}

void ReplSession::OnLine(std::optional<std::string> line) {
  switch (mode_) {
    case Mode::kCommand: {
      if (!line) {
        Quit();
        return;
      }
      const ParsedLine parsed = ParseCommand(*line);
      if (!parsed.command) {
        Failed(kUsageExitCode);
        Print(parsed.error + "\n");
        Prompt();
        return;
      }
      Execute(*parsed.command);
      return;
    }
    case Mode::kCollect:
      if (!line || IsBlank(*line)) {  // the half-close: now the server replies
        call_->close();
        mode_ = Mode::kCall;
        return;
      }
      SendLine("name", std::move(*line));
      PromptUnlessHolding();
      return;
    case Mode::kChat:
      if (!line || *line == kLeaveChat) {  // half-close; the server's last replies follow
        call_->close();
        mode_ = Mode::kCall;
        return;
      }
      if (call_->members && *line == kWhoIsHere) {
        if (auto answer = call_->members->Ask()) Print(*answer + "\n");  // else at the welcome
      } else if (!IsBlank(*line)) {
        SendLine(call_->room.empty() ? "name" : "text", std::move(*line));
      }
      PromptUnlessHolding();
      return;
    case Mode::kCall:
      return;  // not reading while a call runs
  }
}

void ReplSession::SendLine(std::string_view field, std::string line) {
  if (auto problem = Utf8Problem(field, line)) {  // protobuf would not send it
    Failed(kUsageExitCode);
    Print(*problem + "\n");
    return;
  }
  Offer(call_->request_for(std::move(line)));
}

void ReplSession::Offer(greet::HelloRequest request) {
  const uint64_t id = call_->id;
  const bool gone =
      call_->offer(request, [this, id] { asio::post(io_, [this, id] { OnRoomToSend(id); }); });
  if (!gone) call_->held = std::move(request);
}

void ReplSession::OnRoomToSend(uint64_t id) {
  if (!call_ || call_->id != id || !call_->held) return;  // a call the user has left
  greet::HelloRequest request = std::move(*call_->held);
  call_->held.reset();
  Offer(std::move(request));
  if (call_->close_when_sent) {  // names from the command line: no prompt until the reply
    SendUnsent();
    return;
  }
  PromptUnlessHolding();
}

void ReplSession::PromptUnlessHolding() {
  if (!call_ || !call_->held) Prompt();
}

void ReplSession::Execute(const Command& command) {
  std::visit(
      [this](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, repl::Hello>) {
          StartHello(c);
        } else if constexpr (std::is_same_v<T, repl::Stream>) {
          StartStream(c);
        } else if constexpr (std::is_same_v<T, repl::Collect>) {
          StartCollect(c);
        } else if constexpr (std::is_same_v<T, repl::Chat>) {
          StartChat(c);
        } else if constexpr (std::is_same_v<T, repl::Tour>) {
          StartTour(c);
        } else if constexpr (std::is_same_v<T, repl::Status>) {
          ShowStatus(std::chrono::steady_clock::now() + std::chrono::seconds(1));
        } else if constexpr (std::is_same_v<T, repl::SetDeadline>) {
          settings_.deadline = c.deadline;
          Print("deadline " + FormatDuration(c.deadline) + " on every call\n");
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::UnsetDeadline>) {
          settings_.deadline.reset();
          Print("no deadline\n");
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::SetHeader>) {
          std::erase_if(settings_.metadata, [&](const auto& h) { return h.first == c.key; });
          settings_.metadata.emplace_back(c.key, c.value);
          Print("header " + c.key + ": " + c.value + " on every call\n");
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::UnsetHeader>) {
          const size_t removed = std::erase_if(
              settings_.metadata, [&](const auto& h) { return c.key.empty() || h.first == c.key; });
          Print(removed ? "removed " + std::to_string(removed) + " header(s)\n"
                        : "no such header: " + c.key + "\n");
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::SetFail> ||
                             std::is_same_v<T, repl::SetFailAfter> ||
                             std::is_same_v<T, repl::SetDelay> ||
                             std::is_same_v<T, repl::SetPadding> ||
                             std::is_same_v<T, repl::SetCallInfo> ||
                             std::is_same_v<T, repl::SetShowMetadata> ||
                             std::is_same_v<T, repl::UnsetKnob>) {
          const auto [text, refused] = ApplyKnob(c);
          if (refused) Failed(kUsageExitCode);
          Print(text + "\n");
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::Frames>) {
          if (frames_) {
            frames_->Show(c.on);
            Print(c.on ? "frames on\n" : "frames off\n");
          } else {
            Failed(kUsageExitCode);
            Print(std::string("frames ") + (c.on ? "on" : "off") +
                  ": the wire view is not running: start greeter-client with --frames (the "
                  "view must carry the connection from its first byte)\n");
          }
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::Help>) {
          Print(HelpText(c.topic));
          Prompt();
        } else if constexpr (std::is_same_v<T, repl::Quit>) {
          Quit();
        } else {
          Prompt();  // a blank line
        }
      },
      command);
}

ReplSession::KnobOutcome ReplSession::ApplyKnob(const Command& command) {
  greet::HelloRequest& knobs = settings_.knobs;
  const auto fail_text = [&] {
    return knobs.has_fail() ? "fail " + FailureText(knobs.fail()) + ", on every call"
                            : std::string("no fail");
  };
  if (const auto* fail = std::get_if<SetFail>(&command)) {
    knobs.mutable_fail()->set_code(fail->code);  // a fail-after set before stays
    knobs.mutable_fail()->set_message(fail->message);
    return fail_text();
  }
  if (const auto* after = std::get_if<SetFailAfter>(&command)) {
    if (!knobs.has_fail()) {
      return {"set fail-after: no fail set (set fail CODE[:MESSAGE] first)", true};
    }
    knobs.mutable_fail()->set_after_replies(after->replies);
    return fail_text();
  }
  if (const auto* delay = std::get_if<SetDelay>(&command)) {
    knobs.set_first_reply_delay_ms(delay->delay_ms);
    return "delay " + FormatDuration(std::chrono::milliseconds(delay->delay_ms)) +
           " before the first reply of every call";
  }
  if (const auto* padding = std::get_if<SetPadding>(&command)) {
    knobs.set_reply_padding_bytes(padding->bytes);
    return "padding " + std::to_string(padding->bytes) + " bytes on every reply";
  }
  if (const auto* call_info = std::get_if<SetCallInfo>(&command)) {
    knobs.set_include_call_info(call_info->on);
    return call_info->on ? "call-info on: each reply shows the server's view of the call"
                         : "call-info off";
  }
  if (const auto* metadata = std::get_if<SetShowMetadata>(&command)) {
    show_metadata_ = metadata->on;
    return metadata->on
               ? "metadata on: the server's initial and trailing metadata print after each call"
               : "metadata off";
  }
  switch (std::get<UnsetKnob>(command).knob) {
    case Knob::kFail:
      knobs.clear_fail();
      return "no fail";
    case Knob::kFailAfter:
      if (!knobs.has_fail()) return "no fail-after (and no fail)";
      knobs.mutable_fail()->set_after_replies(0);
      return fail_text();
    case Knob::kDelay:
      knobs.set_first_reply_delay_ms(0);
      return "no delay";
    case Knob::kPadding:
      knobs.set_reply_padding_bytes(0);
      return "no padding";
    case Knob::kCallInfo:
      knobs.set_include_call_info(false);
      return "call-info off";
    case Knob::kMetadata:
      show_metadata_ = false;
      return "metadata off";
  }
  return "";
}

std::string ReplSession::SettingsRows() const {
  const greet::HelloRequest& knobs = settings_.knobs;
  std::string headers;
  for (const auto& [key, value] : settings_.metadata) {
    headers += (headers.empty() ? "" : ", ") + key + ": " + value;
  }
  const uint32_t delay_ms = knobs.first_reply_delay_ms();
  const uint32_t padding = knobs.reply_padding_bytes();
  return StatusRow("deadline", settings_.deadline ? FormatDuration(*settings_.deadline) : "none") +
         StatusRow("headers", headers.empty() ? "none" : headers) +
         StatusRow("fail", knobs.has_fail() ? FailureText(knobs.fail()) : "none") +
         StatusRow("delay",
                   delay_ms ? FormatDuration(std::chrono::milliseconds(delay_ms)) : "none") +
         StatusRow("padding", padding ? std::to_string(padding) + " bytes" : "none") +
         StatusRow("call-info", knobs.include_call_info() ? "on" : "off") +
         StatusRow("metadata", show_metadata_ ? "on" : "off");
}

std::string ReplSession::ReplyLines(const greet::HelloReply& reply) const {
  std::string lines = ReplyText(reply) + "\n";
  // The tour asks for the call info of its own accord: shown only when the user asked too.
  if (settings_.knobs.include_call_info() && reply.has_call()) {
    lines += CallInfoText(reply) + "\n";
  }
  return lines;
}

ReplSession::ActiveCall& ReplSession::BeginCall(bool streamed_replies) {
  probe_when_idle_ = true;  // the connection is in use again: a later close may be a loss
  call_.emplace();
  call_->id = ++last_call_id_;
  call_->start = std::chrono::steady_clock::now();
  call_->streamed_replies = streamed_replies;
  mode_ = Mode::kCall;
  return *call_;
}

CallHandlers ReplSession::HandlersFor(uint64_t id) {
  Began();  // each call asks for its handlers once
  CallHandlers handlers{[this, id](const greet::HelloReply& reply) {
                          asio::post(io_, [this, id, reply] { OnReply(id, reply); });
                        },
                        [this, id](const grpc::Status& status) {
                          asio::post(io_, [this, id, status] {
                            Over();
                            if (!quitting_) OnCallDone(id, status);
                          });
                        }};
  if (show_metadata_) {
    // The metadata's strings live in the call's context: made into text here, on its thread.
    handlers.on_metadata = [this, id](const Metadata& initial, const Metadata& trailing) {
      asio::post(io_, [this, id, text = MetadataText(initial, trailing)] {
        if (call_ && call_->id == id) Print(text);
      });
    };
  }
  return handlers;
}

void ReplSession::OnReply(uint64_t id, const greet::HelloReply& reply) {
  if (!call_ || call_->id != id) return;  // a call the user has left
  ++call_->replies;
  const auto answers = call_->members ? call_->members->Apply(reply) : std::vector<std::string>{};
  Print(ReplyLines(reply));
  for (const auto& answer : answers) Print(answer + "\n");  // the /who asked before the welcome
}

void ReplSession::OnCallDone(uint64_t id, const grpc::Status& status) {
  if (!call_ || call_->id != id) return;
  EndCall(status, false);
}

void ReplSession::Failed(int exit_code) {
  if (exit_code_ == 0) exit_code_ = exit_code;
}

void ReplSession::EndCall(const grpc::Status& status, bool cancelled_by_user) {
  if (!status.ok()) Failed(ExitCodeFor(status));
  FinishedCall finished{status, std::chrono::steady_clock::now() - call_->start, call_->replies,
                        call_->streamed_replies, cancelled_by_user};
  std::string summary = CallSummary(finished, console_.interactive());
  // The server ended a chat or collect while the prompt still took its lines: say that it is
  // over, as the prompt turns back into the command prompt. (Scripts print the bare summary:
  // whether their next line was read in time is a race.)
  const bool ended_under_the_user = mode_ == Mode::kChat || mode_ == Mode::kCollect;
  if (ended_under_the_user && !cancelled_by_user && console_.interactive()) {
    const std::string what = mode_ == Mode::kCollect ? "collect"
                             : call_->room.empty()   ? "the chat"
                                                     : call_->room;
    summary = "left " + what + ": " + summary;
  }
  if (!summary.empty()) Print(summary + "\n");
  call_.reset();
  mode_ = Mode::kCommand;
  Prompt();
}

void ReplSession::OnInterrupt() {
  if (mode_ == Mode::kCommand) {
    console_.CancelLine();
    Prompt();
    return;
  }
  if (!call_) return;
  if (mode_ == Mode::kCall && console_.interactive()) Print("\n");  // after the terminal's ^C
  console_.CancelLine();
  call_->cancel();  // the server sees CANCELLED; this call's late events are ignored
  EndCall(grpc::Status::CANCELLED, true);
}

void ReplSession::Quit() {
  if (quitting_) return;
  quitting_ = true;
  status_timer_.cancel();
  console_.CancelLine();
  if (call_) call_->cancel();
  if (in_flight_ == 0) on_quit_();
}

void ReplSession::Over() {
  --in_flight_;
  if (quitting_ && in_flight_ == 0) on_quit_();
}

void ReplSession::StartHello(const Hello& command) {
  ActiveCall& call = BeginCall(false);
  auto unary = UnaryCall::Start(*stub_, settings_, settings_.FirstRequest(command.name),
                                HandlersFor(call.id));
  call.cancel = [unary] { unary->Cancel(); };
}

void ReplSession::StartStream(const Stream& command) {
  ActiveCall& call = BeginCall(true);
  auto request = settings_.FirstRequest(command.name);
  if (command.count) request.set_count(*command.count);
  if (command.interval_ms) request.set_interval_ms(*command.interval_ms);
  auto stream = ServerStreamCall::Start(*stub_, settings_, request, HandlersFor(call.id));
  call.cancel = [stream] { stream->Cancel(); };
}

void ReplSession::StartCollect(const Collect& command) {
  ActiveCall& call = BeginCall(false);
  auto collect = ClientStreamCall::Start(*stub_, settings_, HandlersFor(call.id));
  call.cancel = [collect] { collect->Cancel(); };
  // The first name carries the knobs (--fail, --delay, ...), the later ones only the name.
  call.request_for = [this, first = true](std::string name) mutable {
    auto request =
        first ? settings_.FirstRequest(std::move(name)) : settings_.LaterRequest(std::move(name));
    first = false;
    return request;
  };
  call.offer = [collect](greet::HelloRequest& request, std::function<void()> on_room) {
    return collect->TrySend(request, std::move(on_room)) != ClientStreamCall::Offer::kFull;
  };
  call.close = [collect] { collect->Close(); };
  if (!command.names.empty()) {  // as the one-shot command: these names, then the half-close
    call.unsent.assign(command.names.begin(), command.names.end());
    call.close_when_sent = true;
    SendUnsent();
    return;
  }
  mode_ = Mode::kCollect;
  Notice("one name per line; an empty line or Ctrl-D sends them\n");
  Prompt();
}

void ReplSession::SendUnsent() {
  while (!call_->unsent.empty() && !call_->held) {
    Offer(call_->request_for(std::move(call_->unsent.front())));
    call_->unsent.pop_front();
  }
  if (call_->unsent.empty() && !call_->held && call_->close_when_sent) {
    call_->close_when_sent = false;
    call_->close();
  }
}

void ReplSession::StartChat(const Chat& command) {
  if (!command.room.empty()) {
    StartRoomChat(command);
    return;
  }
  ActiveCall& call = BeginCall(true);
  auto chat = BidiCall::Start(*stub_, settings_, HandlersFor(call.id));
  call.cancel = [chat] { chat->Cancel(); };
  call.request_for = [this](std::string line) { return settings_.LaterRequest(std::move(line)); };
  call.offer = [chat](greet::HelloRequest& request, std::function<void()> on_room) {
    return chat->TrySend(request, std::move(on_room)) != BidiCall::Offer::kFull;
  };
  call.close = [chat] { chat->Close(); };
  mode_ = Mode::kChat;
  Notice("each line is sent as you type it; /leave or Ctrl-D ends the chat\n");
  Offer(settings_.FirstRequest(command.name));
  PromptUnlessHolding();
}

// A chat in a room rejoins by itself after a lost connection (RoomChat), saying so.
void ReplSession::StartRoomChat(const Chat& command) {
  ActiveCall& call = BeginCall(true);
  const uint64_t id = call.id;
  auto handlers = HandlersFor(id);
  auto chat = RoomChat::Start(*stub_, channel_, settings_, command.name, command.room,
                              {handlers.on_reply,
                               [this, id](const std::string& note) {
                                 asio::post(io_, [this, id, note] {
                                   if (call_ && call_->id == id) Print(note + "\n");
                                 });
                               },
                               handlers.on_done, handlers.on_metadata,
                               [this, id] {
                                 asio::post(io_, [this, id] {
                                   if (call_ && call_->id == id && call_->members) {
                                     call_->members->Lost();
                                   }
                                 });
                               }});
  call.cancel = [chat] { chat->Cancel(); };
  call.room = command.room;
  call.members.emplace(command.room, command.name);
  call.request_for = [](std::string line) { return CallSettings::SayRequest(std::move(line)); };
  call.offer = [chat](greet::HelloRequest& request, std::function<void()> on_room) {
    return chat->TrySend(request, std::move(on_room)) != BidiCall::Offer::kFull;
  };
  call.close = [chat] { chat->Close(); };
  mode_ = Mode::kChat;
  Notice("each line is said to " + command.room +
         "; /who lists who is here; /leave or Ctrl-D leaves\n");
  PromptUnlessHolding();
}

void ReplSession::StartTour(const Tour& command) {
  ActiveCall& call = BeginCall(true);
  const uint64_t id = call.id;
  Began();
  const auto on_io = [this, id](auto handler) {
    return [this, id, handler](auto&&... args) {
      asio::post(io_, [this, id, handler, args...] {
        if (call_ && call_->id == id) handler(args...);
      });
    };
  };
  auto tour = ::greeter::Tour::Start(
      *stub_, settings_, command.name,
      {on_io(
           [this](const ::greeter::Tour::Step& step) { Print(std::string(step.heading) + "\n"); }),
       on_io([this](std::string_view, const greet::HelloReply& reply) {
         ++call_->replies;
         Print(ReplyLines(reply));
       }),
       on_io([this](std::string_view, const grpc::Status& failure) {
         Print("  failed: " + StatusText(failure) + "\n");
       }),
       // The tour's last event, whether or not the user is still in it.
       [this, id](const grpc::Status& first_failure, const TourConnections& seen) {
         asio::post(io_, [this, id, first_failure, seen] {
           Over();
           if (quitting_ || !call_ || call_->id != id) return;
           Print(TourConclusion(seen) + "\n");
           EndCall(first_failure, false);
         });
       }},
      command.together);
  call.cancel = [tour] { tour->Cancel(); };
}

void ReplSession::ShowStatus(std::chrono::steady_clock::time_point give_up) {
  // The connection as gRPC itself counts it (channelz). gRPC counts a stream as ended a moment
  // after its call has ended: until then (at most until give_up) look again on a timer, not
  // reading commands meanwhile, so that no call the user saw end shows as open. A status asked
  // for while the session still connects (a script's first line) waits for the connection the
  // same way, as the one-shot status does.
  const auto channel = ReadChannelStatus(target_, view_, std::chrono::milliseconds(0));
  const bool connecting =
      state_ == GRPC_CHANNEL_CONNECTING || (state_ == GRPC_CHANNEL_IDLE && !was_ready_);
  if ((connecting || (channel && OpenStreams(*channel) > 0)) &&
      std::chrono::steady_clock::now() < give_up) {
    mode_ = Mode::kCall;
    status_timer_.expires_after(std::chrono::milliseconds(2));
    status_timer_.async_wait([this, give_up](const asio::error_code& error) {
      if (!error && !quitting_) ShowStatus(give_up);
    });
    return;
  }
  std::string text = channel ? ChannelzText(*channel)
                             : StatusRow("channel", target_ + " (channelz has no record of it)");
  text += SettingsRows();
  if (view_) text += WireViewRow(target_, *view_);
  text += StatusRow("frames", !frames_             ? "off (start the client with --frames)"
                              : frames_->showing() ? "on (frames off hides them)"
                                                   : "off (frames on shows them)");
  Print(text);
  mode_ = Mode::kCommand;
  Prompt();
}

}  // namespace greeter::repl

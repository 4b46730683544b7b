#include "client/repl/repl_session.h"

#include <asio/post.hpp>

#include "client/bidi_call.h"
#include "client/channelz_reader.h"
#include "client/channelz_report.h"
#include "client/client_stream_call.h"
#include "client/input_text.h"
#include "client/repl/call_summary.h"
#include "client/repl/connection_watcher.h"
#include "client/reply_printer.h"
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

constexpr std::string_view kLeaveChat = "/leave";

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
                         std::string channel_target)
    : io_(io),
      channel_(channel),
      stub_(greet::Greeter::NewStub(channel)),
      target_(std::move(target)),
      settings_(std::move(settings)),
      console_(console),
      on_quit_(std::move(on_quit)),
      frames_(frames),
      channel_target_(channel_target.empty() ? target_ : std::move(channel_target)) {
  console_.OnLine([this](std::optional<std::string> line) { OnLine(std::move(line)); });
}

void ReplSession::Start() {
  Notice("greeter: connected to " + target_ +
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
  const bool lost = was_ready_ && state_ == GRPC_CHANNEL_READY && state != GRPC_CHANNEL_READY;
  const bool back = was_ready_ && state == GRPC_CHANNEL_READY;
  state_ = state;
  if (lost) Notice("! lost the connection to " + target_ + "; reconnecting by itself\n");
  if (back) Notice("! connected again to " + target_ + "\n");
  if (state == GRPC_CHANNEL_READY) was_ready_ = true;
  console_.SetPrompt(PromptText());
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
      Prompt();
      return;
    case Mode::kChat:
      if (!line || *line == kLeaveChat) {  // half-close; the server's last replies follow
        call_->close();
        mode_ = Mode::kCall;
        return;
      }
      if (!IsBlank(*line)) SendLine(call_->room.empty() ? "name" : "text", std::move(*line));
      Prompt();
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
  call_->send(std::move(line));
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
          StartCollect();
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

ReplSession::ActiveCall& ReplSession::BeginCall(bool streamed_replies) {
  call_.emplace();
  call_->id = ++last_call_id_;
  call_->start = std::chrono::steady_clock::now();
  call_->streamed_replies = streamed_replies;
  mode_ = Mode::kCall;
  return *call_;
}

CallHandlers ReplSession::HandlersFor(uint64_t id) {
  return {[this, id](const greet::HelloReply& reply) {
            asio::post(io_, [this, id, reply] { OnReply(id, reply); });
          },
          [this, id](const grpc::Status& status) {
            asio::post(io_, [this, id, status] { OnCallDone(id, status); });
          }};
}

void ReplSession::OnReply(uint64_t id, const greet::HelloReply& reply) {
  if (!call_ || call_->id != id) return;  // a call the user has left
  ++call_->replies;
  Print(ReplyText(reply) + "\n");
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
  on_quit_();
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

void ReplSession::StartCollect() {
  ActiveCall& call = BeginCall(false);
  auto collect = ClientStreamCall::Start(*stub_, settings_, HandlersFor(call.id));
  call.cancel = [collect] { collect->Cancel(); };
  // The first name carries the knobs (--fail, --delay, ...), the later ones only the name.
  call.send = [this, collect, first = true](std::string name) mutable {
    auto request =
        first ? settings_.FirstRequest(std::move(name)) : settings_.LaterRequest(std::move(name));
    first = false;
    return collect->Send(std::move(request));
  };
  call.close = [collect] { collect->Close(); };
  mode_ = Mode::kCollect;
  Notice("one name per line; an empty line or Ctrl-D sends them\n");
  Prompt();
}

void ReplSession::StartChat(const Chat& command) {
  ActiveCall& call = BeginCall(true);
  auto chat = BidiCall::Start(*stub_, settings_, HandlersFor(call.id));
  call.cancel = [chat] { chat->Cancel(); };
  call.room = command.room;
  // In a room a line is said to it; otherwise each line is a name to greet.
  call.send = [this, chat, in_room = !command.room.empty()](std::string line) {
    return chat->Send(in_room ? CallSettings::SayRequest(std::move(line))
                              : settings_.LaterRequest(std::move(line)));
  };
  call.close = [chat] { chat->Close(); };
  mode_ = Mode::kChat;
  Notice("each line is sent as you type it; /leave or Ctrl-D ends the chat\n");
  chat->Send(command.room.empty() ? settings_.FirstRequest(command.name)
                                  : settings_.JoinRequest(command.name, command.room));
  Prompt();
}

void ReplSession::StartTour(const Tour& command) {
  ActiveCall& call = BeginCall(true);
  const uint64_t id = call.id;
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
         Print(ReplyText(reply) + "\n");
       }),
       on_io([this](std::string_view, const grpc::Status& failure) {
         Print("  failed: " + StatusText(failure) + "\n");
       }),
       on_io([this](const grpc::Status& first_failure, const TourConnections& seen) {
         Print(TourConclusion(seen) + "\n");
         EndCall(first_failure, false);
       })},
      command.together);
  call.cancel = [tour] { tour->Cancel(); };
}

void ReplSession::ShowStatus(std::chrono::steady_clock::time_point give_up) {
  // The connection as gRPC itself counts it (channelz). gRPC counts a stream as ended a moment
  // after its call has ended: until then (at most until give_up) look again on a timer, not
  // reading commands meanwhile, so that no call the user saw end shows as open.
  const auto channel = ReadChannelz(channel_target_, std::chrono::milliseconds(0));
  if (channel && OpenStreams(*channel) > 0 && std::chrono::steady_clock::now() < give_up) {
    mode_ = Mode::kCall;
    status_timer_.expires_after(std::chrono::milliseconds(2));
    status_timer_.async_wait([this, give_up](const asio::error_code& error) {
      if (!error && !quitting_) ShowStatus(give_up);
    });
    return;
  }
  std::string text = channel ? ChannelzText(*channel)
                             : StatusRow("channel", target_ + " (channelz has no record of it)");
  text += StatusRow("deadline", settings_.deadline ? FormatDuration(*settings_.deadline) : "none");
  std::string headers;
  for (const auto& [key, value] : settings_.metadata) {
    headers += (headers.empty() ? "" : ", ") + key + ": " + value;
  }
  text += StatusRow("headers", headers.empty() ? "none" : headers);
  if (channel_target_ != target_) text += WireViewRow(target_, channel_target_);
  text += StatusRow("frames", !frames_             ? "off (start the client with --frames)"
                              : frames_->showing() ? "on (frames off hides them)"
                                                   : "off (frames on shows them)");
  Print(text);
  mode_ = Mode::kCommand;
  Prompt();
}

}  // namespace greeter::repl

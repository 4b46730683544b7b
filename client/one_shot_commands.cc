#include "client/one_shot_commands.h"

#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>

#include "client/bidi_call.h"
#include "client/client_stream_call.h"
#include "client/input_text.h"
#include "client/room_chat.h"
#include "client/room_members.h"
#include "client/server_stream_call.h"
#include "client/tour.h"
#include "client/unary_call.h"
#include "common/utf8.h"

namespace greeter {
namespace {

// Prints each reply under `method` and lets the command wait for the end of the call.
class CallOutcome {
 public:
  CallOutcome(ReplyPrinter& printer, const char* method) : printer_(printer), method_(method) {}

  CallHandlers Handlers() {
    return {[this](const greet::HelloReply& reply) { printer_.Print(method_, reply); },
            [this](const grpc::Status& status) {
              if (!status.ok()) printer_.PrintError(status);
              done_.set_value(status);
            },
            [this](const Metadata& initial, const Metadata& trailing) {
              printer_.PrintMetadata(initial, trailing);
            }};
  }
  grpc::Status Wait() { return done_.get_future().get(); }

 private:
  ReplyPrinter& printer_;
  const char* method_;
  std::promise<grpc::Status> done_;
};

// The input line the reader thread refused, for the command to report once its call is over.
class InputRefusal {
 public:
  void Set(std::string why) {
    std::lock_guard lock(mutex_);
    why_ = std::move(why);
  }
  std::string Get() {
    std::lock_guard lock(mutex_);
    return why_;
  }

 private:
  std::mutex mutex_;
  std::string why_;
};

// Sends each input line that is not blank as a name, then half-closes at the end of input. Input
// may stay open after the server has ended the call: it is read on a thread of its own, so the
// command can return (and the process exit) as soon as the call is over. A line that is not
// UTF-8 (`field` names what it would be) is not sent: the call is cancelled and `refusal`
// says why.
// `request_for` makes a line's request: it is told whether the line is the call's first.
// A chat's own lines (/leave, /who) are `chat_line`'s, when there is one.
enum class ChatLine { kText, kTaken, kLeave };
template <class Call>
void SendInputLines(std::shared_ptr<Call> call, std::istream& input, std::string field,
                    std::function<greet::HelloRequest(std::string line, bool first)> request_for,
                    bool first_sent, std::shared_ptr<InputRefusal> refusal,
                    std::function<ChatLine(const std::string& line)> chat_line = {}) {
  std::thread([call, &input, field = std::move(field), request_for = std::move(request_for),
               first_sent, refusal, chat_line = std::move(chat_line)]() mutable {
    size_t line_number = 0;
    for (std::string line; ReadInputLine(input, line);) {
      ++line_number;
      if (IsBlank(line)) continue;  // blank lines are spacing, not names
      const ChatLine kind = chat_line ? chat_line(line) : ChatLine::kText;
      if (kind == ChatLine::kLeave) break;
      if (kind == ChatLine::kTaken) continue;
      if (auto problem = Utf8Problem(field, line)) {
        refusal->Set("input line " + std::to_string(line_number) + ": " + *problem);
        call->Cancel();
        return;
      }
      auto request = request_for(std::move(line), !first_sent);
      first_sent = true;
      if (!call->Send(std::move(request))) return;
    }
    call->Close();
  }).detach();
}

// Each line a name, the first carrying the knobs.
std::function<greet::HelloRequest(std::string, bool)> NameRequests(const CallSettings& settings) {
  return [settings](std::string line, bool first) {
    return first ? settings.FirstRequest(std::move(line)) : settings.LaterRequest(std::move(line));
  };
}

}  // namespace

grpc::Status RunHello(CommandEnvironment& env, const std::string& name) {
  CallOutcome outcome(env.printer, "SayHello");
  UnaryCall::Start(env.stub, env.settings, env.settings.FirstRequest(name), outcome.Handlers());
  return outcome.Wait();
}

grpc::Status RunStream(CommandEnvironment& env, const std::string& name,
                       std::optional<uint32_t> count, std::optional<uint32_t> interval_ms) {
  greet::HelloRequest request = env.settings.FirstRequest(name);
  if (count) request.set_count(*count);
  if (interval_ms) request.set_interval_ms(*interval_ms);
  CallOutcome outcome(env.printer, "SayHelloServerStream");
  ServerStreamCall::Start(env.stub, env.settings, std::move(request), outcome.Handlers());
  return outcome.Wait();
}

grpc::Status RunCollect(CommandEnvironment& env, const std::vector<std::string>& names) {
  CallOutcome outcome(env.printer, "SayHelloClientStream");
  auto call = ClientStreamCall::Start(env.stub, env.settings, outcome.Handlers());
  auto refusal = std::make_shared<InputRefusal>();
  if (names.empty()) {
    SendInputLines(call, env.input, "name", NameRequests(env.settings), false, refusal);
  } else {
    const auto request_for = NameRequests(env.settings);
    for (size_t i = 0; i < names.size(); ++i) {
      if (!call->Send(request_for(names[i], i == 0))) break;
    }
    call->Close();
  }
  auto status = outcome.Wait();
  env.refused_input = refusal->Get();
  return status;
}

// Who is in a chat's room, for /who: its events come on gRPC's threads, /who on the input's.
class SharedRoomMembers {
 public:
  SharedRoomMembers(std::string room, std::string you)
      : members_(std::move(room), std::move(you)) {}

  std::vector<std::string> Apply(const greet::HelloReply& event) {
    std::lock_guard lock(mutex_);
    return members_.Apply(event);
  }
  void Lost() {
    std::lock_guard lock(mutex_);
    members_.Lost();
  }
  void EndChat() {
    std::lock_guard lock(mutex_);
    chat_over_ = true;
  }
  // A line of input: /leave and /who are the chat's own (once it is over, no line is read).
  ChatLine Take(const std::string& line, ReplyPrinter& printer) {
    if (line == kLeaveChat) return ChatLine::kLeave;
    if (line != kWhoIsHere) return ChatLine::kText;
    std::optional<std::string> answer;
    {
      std::lock_guard lock(mutex_);
      if (chat_over_) return ChatLine::kLeave;
      answer = members_.Ask();
    }
    if (answer) printer.Note(*answer);  // else once the welcome comes
    return ChatLine::kTaken;
  }

 private:
  std::mutex mutex_;
  RoomMembers members_;
  bool chat_over_ = false;
};

grpc::Status RunChat(CommandEnvironment& env, const std::string& name, const std::string& room) {
  CallOutcome outcome(env.printer, "SayHelloBidiStream");
  auto refusal = std::make_shared<InputRefusal>();
  if (room.empty()) {
    auto call = BidiCall::Start(env.stub, env.settings, outcome.Handlers());
    call->Send(env.settings.FirstRequest(name));
    SendInputLines(call, env.input, "name", NameRequests(env.settings), true, refusal,
                   [](const std::string& line) {
                     return line == kLeaveChat ? ChatLine::kLeave : ChatLine::kText;
                   });
  } else {
    auto handlers = outcome.Handlers();
    auto who = std::make_shared<SharedRoomMembers>(room, name);
    auto on_event = [&env, who, on_reply = handlers.on_reply](const greet::HelloReply& event) {
      on_reply(event);
      for (const auto& answer : who->Apply(event)) env.printer.Note(answer);  // /who asked early
    };
    auto on_done = [who, on_done = handlers.on_done](const grpc::Status& status) {
      who->EndChat();
      on_done(status);
    };
    auto chat =
        RoomChat::Start(env.stub, env.channel, env.settings, name, room,
                        {on_event, [&env](const std::string& note) { env.printer.Note(note); },
                         on_done, handlers.on_metadata, [who] { who->Lost(); }});
    SendInputLines(
        chat, env.input, "text",
        [](std::string line, bool) { return CallSettings::SayRequest(std::move(line)); }, true,
        refusal, [&env, who](const std::string& line) { return who->Take(line, env.printer); });
  }
  auto status = outcome.Wait();
  env.refused_input = refusal->Get();
  return status;
}

grpc::Status RunTour(CommandEnvironment& env, const std::string& name, bool together) {
  std::promise<grpc::Status> done;
  Tour::Start(env.stub, env.settings, name,
              {[&](const Tour::Step& step) { env.printer.Note(step.heading); },
               [&](std::string_view method, const greet::HelloReply& reply) {
                 env.printer.Print(method, reply);
               },
               [&](std::string_view, const grpc::Status& failure) {
                 env.printer.Note("  failed: " + StatusText(failure));
                 env.printer.PrintError(failure);
               },
               [&](const grpc::Status& first_failure, const TourConnections& seen) {
                 env.printer.Note(TourConclusion(seen));
                 done.set_value(first_failure);
               },
               [&](std::string_view, const Metadata& initial, const Metadata& trailing) {
                 env.printer.PrintMetadata(initial, trailing);
               }},
              together);
  return done.get_future().get();
}

grpc::Status RunCallCommand(CommandEnvironment& env, const CallCommand& command) {
  return std::visit(
      [&env](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, HelloCommand>) return RunHello(env, c.name);
        if constexpr (std::is_same_v<T, StreamCommand>) {
          return RunStream(env, c.name, c.count, c.interval_ms);
        }
        if constexpr (std::is_same_v<T, CollectCommand>) return RunCollect(env, c.names);
        if constexpr (std::is_same_v<T, ChatCommand>) return RunChat(env, c.name, c.room);
        if constexpr (std::is_same_v<T, TourCommand>) return RunTour(env, c.name, c.together);
      },
      command);
}

}  // namespace greeter

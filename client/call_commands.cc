#include "client/call_commands.h"

#include <charconv>

#include "client/input_text.h"
#include "common/duration.h"
#include "common/utf8.h"

namespace greeter {
namespace {

std::optional<std::string> NameProblem(std::string_view field, std::string_view name) {
  if (auto problem = Utf8Problem(field, name)) return problem;
  return BlankNameProblem(field, name);
}

std::optional<uint32_t> Number(std::string_view text) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

CheckedCallCommand Refused(std::string error) { return {std::nullopt, std::move(error)}; }

const CallCommandSpec& Spec(std::string_view name) {
  for (const auto& spec : CallCommands()) {
    if (spec.name == name) return spec;
  }
  return CallCommands().front();
}

}  // namespace

const std::vector<CallCommandSpec>& CallCommands() {
  static const std::vector<CallCommandSpec> kCommands = {
      {"hello", "hello NAME", "unary call: one request, one reply"},
      {"stream", "stream NAME [COUNT] [INTERVAL]",
       "server streaming: COUNT replies (default 3), INTERVAL apart (default 100ms; e.g. "
       "250ms, 1s; a bare number is seconds); also as --count N --interval D"},
      {"collect", "collect [NAME...]",
       "client streaming: sends the NAMEs, or one name per line as you type them (an empty "
       "line or Ctrl-D ends them), then the half-close, and shows the one reply"},
      {"chat", "chat NAME [ROOM]",
       "bidirectional streaming: every line you type is sent, replies appear as they arrive; "
       "in a ROOM (also --room ROOM), everyone in it sees what you say and you see them come "
       "and go, and /who lists who is there; /leave or Ctrl-D half-closes and waits for the "
       "last replies"},
      {"tour", "tour [--together] NAME",
       "all four call shapes, one after another, on this one connection (--together: all four "
       "at once, multiplexed)"},
  };
  return kCommands;
}

void AddCallCommands(CLI::App& app, CallCommandWords& words) {
  auto* hello = app.add_subcommand("hello", std::string(Spec("hello").summary));
  hello->add_option("NAME", words.name_words, "Who to greet")->required();

  auto* stream = app.add_subcommand("stream", std::string(Spec("stream").summary));
  stream->add_option("NAME", words.name, "Who to greet")->required();
  auto* count =
      stream->add_option("--count", words.count, "How many replies (server default 3; 0: none)")
          ->type_name("N");
  auto* interval = stream
                       ->add_option("--interval", words.interval,
                                    "Time between replies, e.g. 250ms, 1s (a bare number is "
                                    "seconds; server default 100ms)")
                       ->type_name("DURATION");
  stream->add_option("COUNT", words.count, "As --count")->type_name("N")->excludes(count);
  stream->add_option("INTERVAL", words.interval, "As --interval")
      ->type_name("DURATION")
      ->excludes(interval);

  auto* collect = app.add_subcommand("collect", std::string(Spec("collect").summary));
  collect->add_option("NAME", words.names, "Names to send (none: one per line until the end)");

  auto* chat = app.add_subcommand("chat", std::string(Spec("chat").summary));
  chat->add_option("NAME", words.name, "Your name, sent first")->required();
  auto* room = chat->add_option("--room", words.room,
                                "Join this chat room as NAME: each line is said to the room, "
                                "and the room's joins, messages and leaves print as they happen");
  chat->add_option("ROOM", words.room, "As --room")->excludes(room);

  auto* tour = app.add_subcommand("tour", std::string(Spec("tour").summary));
  tour->add_option("NAME", words.name_words, "Who to greet")->required();
  tour->add_flag("--together", words.together,
                 "Start the four calls at once, multiplexed on the one connection (with --frames "
                 "their frames interleave)");
}

CheckedCallCommand CallCommandFrom(const CLI::App& subcommand, const CallCommandWords& words) {
  const std::string verb = subcommand.get_name();
  if (verb == "collect") {
    for (size_t i = 0; i < words.names.size(); ++i) {
      const std::string field = "request " + std::to_string(i + 1) + ": name";
      if (auto problem = NameProblem(field, words.names[i])) return Refused(*problem);
    }
    return {CollectCommand{words.names}, ""};
  }
  std::string name = verb == "hello" || verb == "tour" ? Joined(words.name_words) : words.name;
  if (auto problem = NameProblem("name", name)) return Refused(*problem);
  if (verb == "hello") return {HelloCommand{std::move(name)}, ""};
  if (verb == "tour") return {TourCommand{std::move(name), words.together}, ""};
  if (verb == "chat") {
    if (auto problem = Utf8Problem("room", words.room)) return Refused(*problem);
    return {ChatCommand{std::move(name), words.room}, ""};
  }
  StreamCommand stream{std::move(name), std::nullopt, std::nullopt};
  // A message names the value as it was given: --count, or the positional COUNT.
  const auto given_as = [&subcommand](const char* flag, const char* positional) {
    return subcommand.count(flag) > 0 ? std::string(flag) : "stream: " + std::string(positional);
  };
  if (!words.count.empty()) {
    stream.count = Number(words.count);
    if (!stream.count) {
      return Refused(given_as("--count", "COUNT") + " must be a whole number, got " + words.count);
    }
  }
  if (!words.interval.empty()) {
    stream.interval_ms = ParseDurationMs32(words.interval);
    if (!stream.interval_ms) {
      return Refused(NotADuration(given_as("--interval", "INTERVAL"), words.interval));
    }
  }
  return {std::move(stream), ""};
}

}  // namespace greeter

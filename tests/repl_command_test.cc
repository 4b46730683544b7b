// The interactive client's command line, parsed without a terminal.

#include <gtest/gtest.h>

#include "client/repl/command.h"

namespace greeter::repl {
namespace {

template <class T>
T Parsed(std::string_view line) {
  const ParsedLine parsed = ParseCommand(line);
  EXPECT_TRUE(parsed.command) << line << ": " << parsed.error;
  if (!parsed.command || !std::holds_alternative<T>(*parsed.command)) {
    ADD_FAILURE() << line << " parsed as another command";
    return T{};
  }
  return std::get<T>(*parsed.command);
}

std::string ErrorOf(std::string_view line) {
  const ParsedLine parsed = ParseCommand(line);
  EXPECT_FALSE(parsed.command) << line;
  return parsed.error;
}

TEST(ReplCommand, NamesMayHaveSpacesWithOrWithoutQuotes) {
  EXPECT_EQ(Parsed<Hello>("hello Alice").name, "Alice");
  EXPECT_EQ(Parsed<Hello>("  hello   Ada Lovelace ").name, "Ada Lovelace");
  EXPECT_EQ(Parsed<Chat>("chat \"Grace Hopper\"").name, "Grace Hopper");
  const auto in_room = Parsed<Chat>("chat Ada lobby");
  EXPECT_EQ(in_room.name, "Ada");
  EXPECT_EQ(in_room.room, "lobby");
  EXPECT_EQ(Parsed<Chat>("chat Ada").room, "");
  EXPECT_EQ(ErrorOf("chat Ada Lovelace lobby"), "usage: chat NAME [ROOM]");
  EXPECT_EQ(Parsed<Tour>("tour Zoë").name, "Zoë");
}

TEST(ReplCommand, StreamTakesOptionalCountAndInterval) {
  const auto plain = Parsed<Stream>("stream Bob");
  EXPECT_EQ(plain.name, "Bob");
  EXPECT_FALSE(plain.count);
  EXPECT_FALSE(plain.interval_ms);
  const auto full = Parsed<Stream>("stream Bob 5 250ms");
  EXPECT_EQ(full.count, 5u);
  EXPECT_EQ(full.interval_ms, 250u);
  EXPECT_EQ(Parsed<Stream>("stream Bob 5 2s").interval_ms, 2000u);
  // A bare number is seconds, as in every duration of the client and the server.
  EXPECT_EQ(Parsed<Stream>("stream Bob 5 1.5").interval_ms, 1500u);
  EXPECT_EQ(Parsed<Stream>("stream Bob 5 2").interval_ms, 2000u);
  EXPECT_EQ(Parsed<Stream>("stream \"Bob Smith\" 0").count, 0u);
}

TEST(ReplCommand, BadArgumentsSayWhatIsExpected) {
  EXPECT_EQ(ErrorOf("hello"), "usage: hello NAME");
  EXPECT_EQ(ErrorOf("stream"), "usage: stream NAME [COUNT] [INTERVAL]");
  EXPECT_EQ(ErrorOf("stream Bob many"), "stream: COUNT must be a whole number, got many");
  EXPECT_EQ(ErrorOf("stream Bob 3 soon"),
            "stream: INTERVAL: not a duration: soon (use e.g. 500ms, 2s, 1m; a bare number is "
            "seconds)");
  EXPECT_EQ(ErrorOf("chat"), "usage: chat NAME [ROOM]");
  EXPECT_EQ(ErrorOf("frobnicate"), "unknown command: frobnicate (type help for the list)");
  EXPECT_EQ(ErrorOf("hello \"Alice"), "unbalanced \" in the line");
}

// The one-shot forms of the README work at the prompt too: one grammar for both.
TEST(ReplCommand, TheOneShotFormsWorkAtThePrompt) {
  const auto stream = Parsed<Stream>("stream Alice --count 2 --interval 0");
  EXPECT_EQ(stream.name, "Alice");
  EXPECT_EQ(stream.count, 2u);
  EXPECT_EQ(stream.interval_ms, 0u);
  EXPECT_EQ(Parsed<Collect>("collect Alice Bob Carol").names,
            (std::vector<std::string>{"Alice", "Bob", "Carol"}));
  EXPECT_TRUE(Parsed<Collect>("collect").names.empty());  // then typed, one per line
  const auto chat = Parsed<Chat>("chat Alice --room lobby");
  EXPECT_EQ(chat.name, "Alice");
  EXPECT_EQ(chat.room, "lobby");
  EXPECT_TRUE(Parsed<Tour>("tour Ada --together").together);
  // The words fill what no flag gave: COUNT first, then INTERVAL.
  const auto counted = Parsed<Stream>("stream Ada --count 2 1s");
  EXPECT_EQ(counted.count, 2u);
  EXPECT_EQ(counted.interval_ms, 1000u);
  EXPECT_EQ(Parsed<Stream>("stream Ada --interval 1s 4").count, 4u);
  EXPECT_EQ(ErrorOf("stream Bob 3 1s --count 4"),
            "usage: stream NAME [COUNT] [INTERVAL] (or --count, --interval)");
  EXPECT_EQ(ErrorOf("stream Bob --count \"\""), "--count must be a whole number, got ");
  // A quoted name is a name, even one that starts with '-'.
  EXPECT_EQ(Parsed<Hello>("hello \"-x\"").name, "-x");
  EXPECT_EQ(Parsed<Chat>("chat \"-Ann\" lobby").room, "lobby");
  EXPECT_EQ(ErrorOf("collect Ada \" \""),
            "request 2: name: only white space (a name needs a letter or sign)");
  // A setting is not an option of a command here: the message says where it is made.
  EXPECT_EQ(ErrorOf("hello Bob --deadline 2s"),
            "hello: --deadline is not an option of hello here; settings for every call are made "
            "with set (type help set)");
  EXPECT_EQ(ErrorOf("stream Bob --deadline=2s"),
            "stream: --deadline is not an option of stream here; settings for every call are made "
            "with set (type help set)");
}

TEST(ReplCommand, SetAndUnsetDeadlineAndHeaders) {
  EXPECT_EQ(Parsed<SetDeadline>("set deadline 2s").deadline, std::chrono::milliseconds(2000));
  EXPECT_EQ(ErrorOf("set deadline soon"),
            "set deadline: not a duration: soon (use e.g. 500ms, 2s, 1m; a bare number is "
            "seconds)");
  // As --deadline 0: a deadline of no time would race the call, so it is refused, saying so.
  EXPECT_EQ(ErrorOf("set deadline 0"),
            "set deadline: must be more than 0 (unset deadline: no deadline)");
  EXPECT_EQ(ErrorOf("set deadline"), "usage: set deadline DURATION");  // that setting's usage
  EXPECT_EQ(ErrorOf("set deadline 1 2"), "usage: set deadline DURATION");
  const auto header = Parsed<SetHeader>("set header X-User=alice=admin");
  EXPECT_EQ(header.key, "x-user");  // gRPC metadata keys are lower case
  EXPECT_EQ(header.value, "alice=admin");
  EXPECT_EQ(ErrorOf("set header novalue"), "set header novalue: use KEY=VALUE");
  EXPECT_EQ(ErrorOf("set header :path=/x"),
            "set header :path=/x: pseudo-headers (keys starting with ':') are gRPC's own");
  Parsed<UnsetDeadline>("unset deadline");
  EXPECT_EQ(Parsed<UnsetHeader>("unset header x-user").key, "x-user");
  EXPECT_EQ(Parsed<UnsetHeader>("unset headers").key, "");
}

TEST(ReplCommand, SetAndUnsetTheTestKnobs) {
  const auto fail = Parsed<SetFail>("set fail not_found:no such greeting");
  EXPECT_EQ(fail.code, 5);
  EXPECT_EQ(fail.message, "no such greeting");  // the rest of the line, spaces and all
  EXPECT_EQ(ErrorOf("set fail OK"), "set fail: not a failing gRPC status code: OK");
  EXPECT_EQ(Parsed<SetFailAfter>("set fail-after 2").replies, 2u);
  EXPECT_EQ(Parsed<SetDelay>("set delay 1.5").delay_ms, 1500u);
  EXPECT_EQ(Parsed<SetPadding>("set padding 100").bytes, 100u);
  EXPECT_TRUE(Parsed<SetCallInfo>("set call-info on").on);
  EXPECT_FALSE(Parsed<SetShowMetadata>("set metadata off").on);
  EXPECT_EQ(ErrorOf("set padding lots"), "set padding: must be a whole number, got lots");
  EXPECT_EQ(Parsed<UnsetKnob>("unset fail-after").knob, Knob::kFailAfter);
  EXPECT_EQ(Parsed<UnsetKnob>("unset metadata").knob, Knob::kMetadata);
}

TEST(ReplCommand, BlankLinesQuitAndHelp) {
  Parsed<Nothing>("   ");
  Parsed<Quit>("quit");
  Parsed<Quit>("exit");
  EXPECT_EQ(Parsed<Help>("help stream").topic, "stream");
}

TEST(ReplCommand, TourTogetherStartsTheFourCallsAtOnce) {
  EXPECT_FALSE(Parsed<Tour>("tour Ada Lovelace").together);
  EXPECT_EQ(Parsed<Tour>("tour Ada Lovelace").name, "Ada Lovelace");
  const auto together = Parsed<Tour>("tour --together Ada Lovelace");
  EXPECT_TRUE(together.together);
  EXPECT_EQ(together.name, "Ada Lovelace");
  EXPECT_EQ(ParseCommand("tour --together").error, "usage: tour [--together] NAME");
}

TEST(ReplCommand, FramesTurnsTheWireViewOnAndOff) {
  EXPECT_TRUE(Parsed<Frames>("frames on").on);
  EXPECT_FALSE(Parsed<Frames>("frames off").on);
  EXPECT_EQ(ParseCommand("frames").error, "usage: frames on|off");
  EXPECT_EQ(ParseCommand("frames maybe").error, "usage: frames on|off");
  EXPECT_EQ(Completions("", "f"), (std::vector<std::string>{"frames"}));
  EXPECT_EQ(Completions("frames ", "o"), (std::vector<std::string>{"on", "off"}));
}

TEST(ReplCommand, HelpListsEveryCommandFromTheTable) {
  const std::string help = HelpText("");
  for (const auto& spec : Commands()) {
    EXPECT_NE(help.find(spec.usage), std::string::npos) << spec.name;
  }
  EXPECT_EQ(HelpText("hello"), "usage: hello NAME\n  unary call: one request, one reply\n");
  EXPECT_EQ(HelpText("nope"), "no command nope (type help for the list)\n");
}

TEST(ReplCommand, CompletesCommandsAndSetKeys) {
  EXPECT_EQ(Completions("", "st"), (std::vector<std::string>{"stream", "status"}));
  EXPECT_EQ(Completions("", "c"), (std::vector<std::string>{"collect", "chat"}));
  EXPECT_EQ(Completions("set ", "d"), (std::vector<std::string>{"deadline", "delay"}));
  EXPECT_EQ(Completions("unset ", "fail"), (std::vector<std::string>{"fail", "fail-after"}));
  EXPECT_EQ(Completions("set metadata ", "o"), (std::vector<std::string>{"on", "off"}));
  EXPECT_EQ(Completions("unset ", "header"), (std::vector<std::string>{"header", "headers"}));
  EXPECT_EQ(Completions("help ", "to"), (std::vector<std::string>{"tour"}));
  EXPECT_TRUE(Completions("hello ", "A").empty());  // names are the user's
}

}  // namespace
}  // namespace greeter::repl

#include "client/repl/command.h"

#include <charconv>

#include "client/call_settings.h"
#include "client/failure_knob.h"
#include "client/input_text.h"
#include "common/duration.h"
#include "common/utf8.h"

namespace greeter::repl {
namespace {

// Splits on blanks; "double quotes" keep a name with spaces in one word. `quoted`, when given,
// tells which words were quoted.
std::optional<std::vector<std::string>> Words(std::string_view line,
                                              std::vector<bool>* quoted = nullptr) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    std::string word;
    const bool in_quotes = line[i] == '"';
    if (in_quotes) {
      const size_t close = line.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      word = line.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') word += line[i++];
    }
    words.push_back(std::move(word));
    if (quoted) quoted->push_back(in_quotes);
  }
  return words;
}

std::optional<uint32_t> Number(std::string_view text) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The words from `first` on, joined by single spaces: names may have spaces without quotes.
std::string Rest(const std::vector<std::string>& words, size_t first) {
  std::string rest;
  for (size_t i = first; i < words.size(); ++i) rest += (i > first ? " " : "") + words[i];
  return rest;
}

ParsedLine Error(std::string message) { return {std::nullopt, std::move(message)}; }

ParsedLine UsageError(std::string_view command) {
  for (const auto& spec : Commands()) {
    if (spec.name == command) return Error("usage: " + std::string(spec.usage));
  }
  return Error("unknown command");
}

std::optional<bool> OnOrOff(std::string_view text) {
  if (text == "on") return true;
  if (text == "off") return false;
  return std::nullopt;
}

// "usage: set deadline DURATION" for a setting it knows, else every setting's.
ParsedLine SetUsageError(const std::vector<std::string>& words) {
  for (const auto& setting : Settings()) {
    if (words.size() >= 2 && words[1] == setting.name) {
      return Error("usage: set " + std::string(setting.name) + " " + std::string(setting.value));
    }
  }
  return UsageError("set");
}

// set NAME VALUE. fail's MESSAGE may have spaces: it is the rest of the line.
ParsedLine ParseSet(const std::vector<std::string>& words) {
  if (words.size() < 3) return SetUsageError(words);
  const std::string& key = words[1];
  if (key == "fail") {
    const auto [failure, problem] = ParseFailure(Rest(words, 2));
    if (!problem.empty()) return Error("set fail: " + problem);
    return {SetFail{failure.code(), failure.message()}, ""};
  }
  if (words.size() != 3) return SetUsageError(words);
  const std::string& value = words[2];
  if (key == "deadline") {
    const auto deadline = ParseDuration(value);
    if (!deadline) return Error(NotADuration("set deadline", value));
    if (deadline->count() == 0) {  // it would race the call: OK or DEADLINE_EXCEEDED
      return Error("set deadline: must be more than 0 (unset deadline: no deadline)");
    }
    return {SetDeadline{*deadline}, ""};
  }
  if (key == "header") {
    if (auto problem = HeaderProblem(value)) return Error("set header " + value + ": " + *problem);
    auto entry = ParseHeader(value);
    return {SetHeader{std::move(entry->first), std::move(entry->second)}, ""};
  }
  if (key == "fail-after" || key == "padding") {
    const auto number = Number(value);
    if (!number) return Error("set " + key + ": must be a whole number, got " + value);
    if (key == "padding") return {SetPadding{*number}, ""};
    return {SetFailAfter{*number}, ""};
  }
  if (key == "delay") {
    const auto delay_ms = ParseDurationMs32(value);
    if (!delay_ms) return Error(NotADuration("set delay", value));
    return {SetDelay{*delay_ms}, ""};
  }
  if (key == "call-info" || key == "metadata") {
    const auto on = OnOrOff(value);
    if (!on) return Error("set " + key + ": use on or off, got " + value);
    if (key == "metadata") return {SetShowMetadata{*on}, ""};
    return {SetCallInfo{*on}, ""};
  }
  return UsageError("set");
}

ParsedLine ParseUnset(const std::vector<std::string>& words) {
  if (words.size() == 3 && words[1] == "header") return {UnsetHeader{words[2]}, ""};
  if (words.size() != 2) return UsageError("unset");
  static const std::vector<std::pair<std::string_view, Command>> kUnsets = {
      {"deadline", UnsetDeadline{}},
      {"headers", UnsetHeader{""}},
      {"fail", UnsetKnob{Knob::kFail}},
      {"fail-after", UnsetKnob{Knob::kFailAfter}},
      {"delay", UnsetKnob{Knob::kDelay}},
      {"padding", UnsetKnob{Knob::kPadding}},
      {"call-info", UnsetKnob{Knob::kCallInfo}},
      {"metadata", UnsetKnob{Knob::kMetadata}},
  };
  for (const auto& [name, command] : kUnsets) {
    if (words[1] == name) return {command, ""};
  }
  return UsageError("unset");
}

// hello, stream, collect, chat, tour: parsed by the one-shot command line's own grammar.
ParsedLine ParseCallCommand(const std::vector<std::string>& words,
                            const std::vector<bool>& quoted) {
  const std::string& verb = words.front();
  CLI::App app;
  app.set_help_flag();  // help is a command here
  app.require_subcommand(1, 1);
  CallCommandWords call_words;
  AddCallCommands(app, call_words);
  for (auto* subcommand : app.get_subcommands({})) {
    subcommand->set_help_flag();
    subcommand->allow_extras(false);
  }
  // A quoted word is a name or a value, never a flag, even when it starts with '-': CLI11 is
  // told so with "--" before it (and every word after it is then a value too).
  std::vector<std::string> arguments(words.begin(), words.end());
  for (size_t i = 1; i < arguments.size(); ++i) {
    if (quoted[i] && arguments[i].starts_with("-")) {
      arguments.insert(arguments.begin() + static_cast<std::ptrdiff_t>(i), "--");
      break;
    }
  }
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());  // as CLI11 takes them
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError&) {
    const CLI::App* subcommand = app.get_subcommand(verb);
    for (const auto& word : arguments) {
      if (word == "--") break;                                  // values from here on
      const std::string flag = word.substr(0, word.find('='));  // --count=5 is --count
      if (flag.starts_with("--") && !subcommand->get_option_no_throw(flag)) {
        return Error(verb + ": " + flag + " is not an option of " + verb +
                     " here; settings for every call are made with set (type help set)");
      }
    }
    return UsageError(verb);
  }
  auto checked = CallCommandFrom(*app.get_subcommand(verb), call_words);
  if (!checked.command) return Error(std::move(checked.error));
  return {std::visit([](auto command) -> Command { return command; }, *checked.command), ""};
}

}  // namespace

const std::vector<SettingSpec>& Settings() {
  static const std::vector<SettingSpec> kSettings = {
      {"deadline", "DURATION"}, {"header", "KEY=VALUE"}, {"fail", "CODE[:MESSAGE]"},
      {"fail-after", "N"},      {"delay", "DURATION"},   {"padding", "BYTES"},
      {"call-info", "on|off"},  {"metadata", "on|off"},
  };
  return kSettings;
}

namespace {

// "set deadline DURATION | header KEY=VALUE | ...", from the table.
std::string SetUsage() {
  std::string usage = "set";
  for (const auto& setting : Settings()) {
    usage += (usage == "set" ? " " : " | ") + std::string(setting.name) + " " +
             std::string(setting.value);
  }
  return usage;
}

// "unset deadline | header KEY | headers | fail | ...": every setting can be removed.
std::string UnsetUsage() {
  std::string usage = "unset";
  for (const auto& setting : Settings()) {
    usage += (usage == "unset" ? " " : " | ") + std::string(setting.name);
    if (setting.name == "header") usage += " KEY | headers";
  }
  return usage;
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const std::string kSetUsage = SetUsage();
  static const std::string kUnsetUsage = UnsetUsage();
  static const std::vector<CommandSpec> kCommands = [] {
    std::vector<CommandSpec> commands;
    for (const auto& call : CallCommands())
      commands.push_back({call.name, call.usage, call.summary});
    commands.insert(
        commands.end(),
        {
            {"status", "status",
             "this client's channel as gRPC's channelz counts it: calls, the connection, streams "
             "and "
             "messages on it; then every setting"},
            {"set", kSetUsage,
             "for every call from now on: a deadline (e.g. 2s, 500ms; a bare number is seconds), a "
             "header; the test knobs: end each call with a failure CODE after N replies, delay the "
             "first reply, pad each reply with BYTES, ask for the server's view of the call "
             "(call-info); metadata on prints the server's metadata after each call"},
            {"unset", kUnsetUsage, "remove a setting: back to none, or off"},
            {"frames", "frames on|off",
             "show or hide every HTTP/2 frame of the connection as it passes, decoded (the client "
             "must have been started with --frames)"},
            {"help", "help [COMMAND]", "this list, or one command's usage"},
            {"quit", "quit", "leave (so does Ctrl-D at the prompt)"},
        });
    return commands;
  }();
  return kCommands;
}

ParsedLine ParseCommand(std::string_view line) {
  std::vector<bool> quoted;
  const auto words = Words(line, &quoted);
  if (!words) return Error("unbalanced \" in the line");
  if (words->empty()) return {Nothing{}, ""};
  const std::string& verb = words->front();
  const size_t arguments = words->size() - 1;

  for (const auto& spec : CallCommands()) {
    if (spec.name == verb) return ParseCallCommand(*words, quoted);
  }
  if (verb == "status" || verb == "quit" || verb == "exit") {
    if (arguments != 0) return UsageError(verb == "exit" ? "quit" : verb);
    if (verb == "status") return {Status{}, ""};
    return {Quit{}, ""};
  }
  if (verb == "frames") {
    if (arguments != 1 || ((*words)[1] != "on" && (*words)[1] != "off")) return UsageError(verb);
    return {Frames{(*words)[1] == "on"}, ""};
  }
  if (verb == "help") {
    if (arguments > 1) return UsageError(verb);
    return {Help{arguments ? (*words)[1] : ""}, ""};
  }
  if (verb == "set") return ParseSet(*words);
  if (verb == "unset") return ParseUnset(*words);
  return Error("unknown command: " + verb + " (type help for the list)");
}

std::string HelpText(std::string_view topic) {
  std::string text;
  for (const auto& spec : Commands()) {
    if (!topic.empty() && spec.name != topic) continue;
    if (topic.empty()) {
      text += "  " + std::string(spec.usage) + "\n      " + std::string(spec.summary) + "\n";
    } else {
      text += "usage: " + std::string(spec.usage) + "\n  " + std::string(spec.summary) + "\n";
    }
  }
  if (text.empty()) return "no command " + std::string(topic) + " (type help for the list)\n";
  if (topic.empty()) text = "commands:\n" + text + "Ctrl-C cancels the call in progress.\n";
  return text;
}

std::vector<std::string> Completions(std::string_view line_before_word, std::string_view word) {
  std::vector<std::string> candidates;
  const auto before = Words(line_before_word).value_or(std::vector<std::string>{});
  if (before.empty()) {
    for (const auto& spec : Commands()) candidates.emplace_back(spec.name);
  } else if (before.size() == 1 && (before[0] == "set" || before[0] == "unset")) {
    for (const auto& setting : Settings()) {
      candidates.emplace_back(setting.name);
      if (before[0] == "unset" && setting.name == "header") candidates.emplace_back("headers");
    }
  } else if (before.size() == 2 && before[0] == "set") {
    for (const auto& setting : Settings()) {
      if (setting.name == before[1] && setting.value == "on|off") candidates = {"on", "off"};
    }
  } else if (before.size() == 1 && before[0] == "frames") {
    candidates = {"on", "off"};
  } else if (before.size() == 1 && before[0] == "help") {
    for (const auto& spec : Commands()) candidates.emplace_back(spec.name);
  }
  std::erase_if(candidates, [&](const std::string& c) { return c.rfind(word, 0) != 0; });
  return candidates;
}

}  // namespace greeter::repl

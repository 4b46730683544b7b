#include "client/wire/frame_printer.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "client/wire/grpc_status_headers.h"
#include "client/wire/http2_names.h"
#include "client/wire/sequence_diagram.h"
#include "common/plural.h"

namespace greeter::wire {

namespace {

std::string Milliseconds(double t_ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", t_ms);
  return text;
}

// Text as it can sit in one line: control characters, quotes and backslashes escaped; bytes of
// UTF-8 kept, so a name in any script reads as itself.
std::string Quoted(const std::string& value, bool binary = false) {
  std::string text = "\"";
  for (const char character : value) {
    const auto c = static_cast<unsigned char>(character);
    if (c == '"' || c == '\\') {
      text += '\\';
      text += character;
    } else if (c == '\t') {
      text += "\\t";
    } else if (c == '\n') {
      text += "\\n";
    } else if (c < 0x20 || c == 0x7f || (binary && c >= 0x80)) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      text += escaped;
    } else {
      text += character;
    }
  }
  return text + "\"";
}

// A status message as it can sit in one line: tabs and newlines as \t and \n.
std::string OneLine(const std::string& text) {
  const std::string quoted = Quoted(text);
  return quoted.substr(1, quoted.size() - 2);
}

bool IsBinaryKey(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, "-bin") == 0;
}

std::string MessageText(const GrpcMessage& message) {
  if (message.decoded) {
    google::protobuf::TextFormat::Printer printer;
    printer.SetSingleLineMode(true);
    printer.SetUseUtf8StringEscaping(true);        // "Zoë", not "Zo\303\253"
    printer.SetTruncateStringFieldLongerThan(64);  // --padding: its bytes say nothing
    std::string body;
    printer.PrintToString(*message.decoded, &body);
    while (!body.empty() && body.back() == ' ') body.pop_back();
    return message.decoded->GetTypeName() + " {" + body + "}";
  }
  std::string text = std::to_string(message.length) + " bytes";
  if (!message.note.empty()) text += " (" + message.note + ")";
  if (!message.bytes.empty()) text += " " + Quoted(message.bytes.substr(0, 64), true);
  return text;
}

std::string TallyText(const StreamTally& tally) {
  return Plural(tally.frames, "frame") + ", " + Plural(tally.messages, "message") + ", " +
         Plural(tally.bytes, "byte");
}

nlohmann::json TallyJson(const StreamTally& tally) {
  return {{"frames", tally.frames}, {"messages", tally.messages}, {"bytes", tally.bytes}};
}

nlohmann::json WindowsJson(const std::optional<Window>& stream, const Window& connection) {
  nlohmann::json object = {{"connection", connection.now},
                           {"connection_lowest", connection.lowest}};
  if (stream) object.update({{"stream", stream->now}, {"stream_lowest", stream->lowest}});
  return object;
}

// "65535 (65523) on the stream, 4194303 (...) on the connection"
std::string WindowsText(const std::optional<Window>& stream, const Window& connection) {
  std::string text;
  if (stream) {
    text =
        std::to_string(stream->now) + " (" + std::to_string(stream->lowest) + ") on the stream, ";
  }
  return text + std::to_string(connection.now) + " (" + std::to_string(connection.lowest) +
         ") on the connection";
}

std::string Hex64(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string Dump(const nlohmann::json& object) {
  // Header values and bytes need not be UTF-8: never throw over one.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string RoleName(HeaderRole role) {
  switch (role) {
    case HeaderRole::kRequestHeaders:
      return "request headers";
    case HeaderRole::kResponseHeaders:
      return "response headers";
    case HeaderRole::kTrailers:
      return "trailers";
    case HeaderRole::kTrailersOnly:
      return "trailers-only response";
    case HeaderRole::kNone:
      break;
  }
  return "headers";
}

std::string FlagsText(const Frame& frame) {
  const auto flags = FlagNames(frame.type, frame.flags);
  if (flags.empty()) return "";
  std::string text = " [";
  for (size_t i = 0; i < flags.size(); ++i) text += (i ? "|" : "") + flags[i];
  return text + "]";
}

std::string FrameDetail(const Frame& frame) {
  std::string detail;
  const auto add = [&detail](const std::string& part) {
    detail += (detail.empty() ? "" : ", ") + part;
  };
  switch (frame.type) {
    case kHeaders:
    case kContinuation: {
      const auto status = ReadGrpcStatus(frame.headers);
      for (const auto& [name, value] : frame.headers) {
        if (name == "grpc-status") {
          add("grpc-status " + status.Named());
        } else if (name == "grpc-message") {
          add("grpc-message " + Quoted(*status.message));
        } else {
          add(name + " " + (IsBinaryKey(name) ? Quoted(value, true) : value));
        }
      }
      break;
    }
    case kData:
      for (const auto& message : frame.messages) add(MessageText(message));
      if (frame.partial_message_bytes > 0) {
        add("+" + std::to_string(frame.partial_message_bytes) +
            " bytes of a message that goes on in the next DATA");
      }
      if (frame.flags & kFlagEndStream) {
        add(frame.direction == Direction::kSent ? "END_STREAM (half-close)"
                                                : "END_STREAM (the server is done)");
      }
      break;
    case kSettings:
      if (frame.flags & kFlagAck) add("(acknowledges the peer's settings)");
      for (const auto& [identifier, value] : frame.settings) {
        add(SettingName(identifier) + "=" + std::to_string(value));
      }
      break;
    case kPing:
      add(std::string(frame.flags & kFlagAck ? "answers " : "") +
          "data=" + Hex64(frame.ping_data.value_or(0)));
      if (frame.ping_purpose == PingPurpose::kBdpProbe) {
        detail += frame.flags & kFlagAck ? " (the BDP probe)"
                                         : " (gRPC's BDP probe: timing the answer tells it the "
                                           "connection's bandwidth, to size its windows)";
      } else if (frame.ping_purpose == PingPurpose::kKeepalive) {
        detail += frame.flags & kFlagAck ? " (the keepalive)"
                                         : " (keepalive: after a quiet while, is the peer "
                                           "still there?)";
      }
      break;
    case kWindowUpdate:
      add("increment=" + std::to_string(frame.increment.value_or(0)) +
          (frame.stream == 0 ? " (the connection's window)" : " (this stream's window)"));
      break;
    case kRstStream:
      add(ErrorCodeName(frame.error_code.value_or(0)));
      break;
    case kGoaway:
      add("last_stream=" + std::to_string(frame.last_stream.value_or(0)) + " " +
          ErrorCodeName(frame.error_code.value_or(0)));
      if (!frame.debug_data.empty()) add("debug=" + Quoted(frame.debug_data, true));
      break;
    default:
      break;
  }
  return detail;
}

std::string FrameText(const Frame& frame) {
  std::string line = frame.direction == Direction::kSent ? "→ " : "← ";
  if (!frame.problem.empty()) {
    line += "cannot decode: " + frame.problem +
            " (the rest of this direction is not decoded; its bytes still pass unchanged)";
    return line;
  }
  if (frame.preface) return line + "PREFACE (the client's 24-byte HTTP/2 connection preface)";
  line += FrameTypeName(frame.type) + " stream=" + std::to_string(frame.stream) + FlagsText(frame) +
          " len=" + std::to_string(frame.length);
  const std::string detail = FrameDetail(frame);
  if (frame.type == kHeaders || frame.type == kContinuation) {
    line += " " + RoleName(frame.role) + ":" + (detail.empty() ? "" : " " + detail);
    if (frame.after_reset) {
      line += frame.reset_by_client
                  ? "; it crossed the client's RST_STREAM (the server sent it before the reset "
                    "reached it)"
                  : "; it crossed the server's RST_STREAM (the client sent it before the reset "
                    "reached it)";
    } else if (frame.type == kHeaders && frame.flags & kFlagEndStream) {
      line += frame.direction == Direction::kSent ? "; END_STREAM (half-close)"
                                                  : "; END_STREAM (the call is over)";
    }
    return line;
  }
  if (!detail.empty()) line += " " + detail;
  return line;
}

std::string FrameJson(const Frame& frame, int connection) {
  nlohmann::json object = {
      {"t_ms", std::round(frame.t_ms * 1000) / 1000},
      {"connection", connection},
      {"dir", frame.direction == Direction::kSent ? "sent" : "received"},
  };
  if (!frame.problem.empty()) {
    object["type"] = "UNDECODABLE";
    object["problem"] = frame.problem;
    return Dump(object);
  }
  if (frame.preface) {
    object.update({{"type", "PREFACE"},
                   {"stream", 0},
                   {"flags", nlohmann::json::array()},
                   {"length", frame.length}});
    return Dump(object);
  }
  object.update({{"type", FrameTypeName(frame.type)},
                 {"stream", frame.stream},
                 {"flags", FlagNames(frame.type, frame.flags)},
                 {"length", frame.length}});
  if (frame.method) object["method"] = *frame.method;
  switch (frame.type) {
    case kHeaders:
    case kContinuation: {
      object["role"] = RoleName(frame.role);
      if (frame.after_reset) {
        object["after_reset"] = true;
        object["reset_by"] = frame.reset_by_client ? "client" : "server";
      }
      auto headers = nlohmann::json::array();
      for (const auto& [name, value] : frame.headers) {
        headers.push_back({name, IsBinaryKey(name) ? Quoted(value, true) : value});
      }
      const auto status = ReadGrpcStatus(frame.headers);
      if (status.value) object["grpc_status"] = status.code;
      if (status.message) object["grpc_message"] = *status.message;
      object["headers"] = std::move(headers);
      break;
    }
    case kData: {
      auto messages = nlohmann::json::array();
      for (const auto& message : frame.messages) {
        nlohmann::json item = {{"length", message.length}};
        if (message.decoded) {
          std::string json;
          google::protobuf::util::JsonPrintOptions options;
          options.preserve_proto_field_names = true;
          google::protobuf::util::MessageToJsonString(*message.decoded, &json, options);
          item["type"] = message.decoded->GetTypeName();
          item["message"] = nlohmann::json::parse(json, nullptr, false);
        } else {
          item["bytes"] = Quoted(message.bytes, true);
          if (!message.note.empty()) item["note"] = message.note;
        }
        messages.push_back(std::move(item));
      }
      object["messages"] = std::move(messages);
      if (frame.partial_message_bytes > 0)
        object["partial_message_bytes"] = frame.partial_message_bytes;
      break;
    }
    case kSettings: {
      auto settings = nlohmann::json::object();
      for (const auto& [identifier, value] : frame.settings)
        settings[SettingName(identifier)] = value;
      object["settings"] = std::move(settings);
      break;
    }
    case kPing:
      object["ping_data"] = Hex64(frame.ping_data.value_or(0));
      if (frame.ping_purpose != PingPurpose::kUnknown) {
        object["ping_purpose"] =
            frame.ping_purpose == PingPurpose::kBdpProbe ? "bdp_probe" : "keepalive";
      }
      break;
    case kWindowUpdate:
      object["increment"] = frame.increment.value_or(0);
      break;
    case kRstStream:
      object["error_code"] = ErrorCodeName(frame.error_code.value_or(0));
      break;
    case kGoaway:
      object["last_stream"] = frame.last_stream.value_or(0);
      object["error_code"] = ErrorCodeName(frame.error_code.value_or(0));
      object["debug_data"] = Quoted(frame.debug_data, true);
      break;
    default:
      break;
  }
  return Dump(object);
}

FramePrinter::FramePrinter(FrameFormat format, bool colour, LineSink sink)
    : format_(format), colour_(colour && format == FrameFormat::kText), sink_(std::move(sink)) {}

std::string FramePrinter::ConnectionTag(int connection) const {
  return connection > 1 ? "[connection " + std::to_string(connection) + "] " : "";
}

std::string FramePrinter::Paint(uint32_t stream, std::string line) const {
  if (!colour_ || stream == 0) return line;
  // Client streams are odd: 1, 3, 5, ... each gets the next of six colours.
  static constexpr const char* kColours[] = {"\x1b[36m", "\x1b[33m", "\x1b[35m",
                                             "\x1b[32m", "\x1b[34m", "\x1b[31m"};
  return kColours[(stream / 2) % 6] + line + "\x1b[0m";
}

void FramePrinter::OnConnectionOpened(int connection, const std::string& target) {
  connections_.try_emplace(connection);
  if (format_ == FrameFormat::kMermaid) {
    if (connection == 1) {
      for (const auto& line : DiagramHeader()) sink_(line);
    }
    sink_(DiagramNote("connection " + std::to_string(connection) + " to " + target));
  } else if (format_ == FrameFormat::kJson) {
    sink_(Dump({{"t_ms", 0},
                {"connection", connection},
                {"event", "connection opened"},
                {"target", target}}));
  } else {
    sink_("t=0.0ms " + ConnectionTag(connection) + "connection " + std::to_string(connection) +
          " to " + target + " opened (→ sent by this client, ← received from the server)");
  }
}

void FramePrinter::OnFrame(int connection, const Frame& frame) {
  if (format_ == FrameFormat::kMermaid) {
    for (const auto& line : DiagramFrame(frame)) sink_(line);
  } else if (format_ == FrameFormat::kJson) {
    sink_(FrameJson(frame, connection));
  } else {
    sink_(Paint(frame.stream, "t=" + Milliseconds(frame.t_ms) + "ms " + ConnectionTag(connection) +
                                  FrameText(frame)));
  }
  ConnectionState& state = connections_[connection];
  state.windows.Record(frame);
  {
    std::lock_guard lock(latest_mutex_);
    latest_ = ConnectionWindows{connection, state.windows.Connection(Direction::kSent),
                                state.windows.Connection(Direction::kReceived)};
  }
  if (auto summary = state.ledger.Record(frame)) {
    AddWindows(state, *summary);
    PrintSummary(connection, frame.t_ms, *summary);
  }
}

std::optional<ConnectionWindows> FramePrinter::latest_windows() const {
  std::lock_guard lock(latest_mutex_);
  return latest_;
}

size_t FramePrinter::open_streams() const {
  size_t open = 0;
  for (const auto& [connection, state] : connections_) open += state.ledger.open_streams();
  return open;
}

void FramePrinter::OnConnectionClosed(int connection, double t_ms, const std::string& why) {
  ConnectionState& state = connections_[connection];
  for (auto& summary : state.ledger.CloseAll(why)) {
    AddWindows(state, summary);
    PrintSummary(connection, t_ms, summary);
  }
  connections_.erase(connection);
  {
    std::lock_guard lock(latest_mutex_);
    if (latest_ && latest_->connection == connection) latest_.reset();
  }
  if (format_ == FrameFormat::kMermaid) {
    sink_(DiagramNote("connection " + std::to_string(connection) + " closed" +
                      (why.empty() ? "" : ": " + why)));
  } else if (format_ == FrameFormat::kJson) {
    nlohmann::json object = {{"t_ms", std::round(t_ms * 1000) / 1000},
                             {"connection", connection},
                             {"event", "connection closed"}};
    if (!why.empty()) object["why"] = why;
    sink_(Dump(object));
  } else {
    sink_("t=" + Milliseconds(t_ms) + "ms " + ConnectionTag(connection) + "connection " +
          std::to_string(connection) + " closed" + (why.empty() ? "" : ": " + why));
  }
}

void FramePrinter::AddWindows(ConnectionState& state, StreamSummary& summary) {
  summary.client_stream_window = state.windows.Stream(summary.stream, Direction::kSent);
  summary.server_stream_window = state.windows.Stream(summary.stream, Direction::kReceived);
  summary.client_connection_window = state.windows.Connection(Direction::kSent);
  summary.server_connection_window = state.windows.Connection(Direction::kReceived);
  state.windows.Forget(summary.stream);
}

void FramePrinter::PrintSummary(int connection, double t_ms, const StreamSummary& summary) {
  if (format_ == FrameFormat::kMermaid) {
    sink_(DiagramNote("stream " + std::to_string(summary.stream) + " ended " + summary.ended +
                      ": sent " + TallyText(summary.sent) + ", received " +
                      TallyText(summary.received)));
    return;
  }
  if (format_ == FrameFormat::kJson) {
    sink_(Dump(
        {{"t_ms", std::round(t_ms * 1000) / 1000},
         {"connection", connection},
         {"event", "stream ended"},
         {"stream", summary.stream},
         {"method", summary.method},
         {"ended", summary.ended},
         {"client_half_closed", summary.client_half_closed},
         {"sent", TallyJson(summary.sent)},
         {"received", TallyJson(summary.received)},
         {"windows",
          {{"client", WindowsJson(summary.client_stream_window, summary.client_connection_window)},
           {"server",
            WindowsJson(summary.server_stream_window, summary.server_connection_window)}}}}));
    return;
  }
  sink_(Paint(summary.stream,
              "t=" + Milliseconds(t_ms) + "ms " + ConnectionTag(connection) + "── stream " +
                  std::to_string(summary.stream) + " " +
                  (summary.method.empty() ? "" : summary.method + " ") + "ended " +
                  OneLine(summary.ended) + ": sent " + TallyText(summary.sent) + "; received " +
                  TallyText(summary.received) + "; flow-control windows left (lowest): client " +
                  WindowsText(summary.client_stream_window, summary.client_connection_window) +
                  ", server " +
                  WindowsText(summary.server_stream_window, summary.server_connection_window)));
}

}  // namespace greeter::wire

#include "client/wire/stream_ledger.h"

#include <grpcpp/support/status.h>

#include <charconv>

#include "client/wire/http2_names.h"
#include "common/status_code_names.h"

namespace greeter::wire {

std::string PercentDecoded(const std::string& value) {
  std::string text;
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned byte = 0;
    if (value[i] == '%' && i + 2 < value.size() &&
        std::from_chars(value.data() + i + 1, value.data() + i + 3, byte, 16).ptr ==
            value.data() + i + 3) {
      text += static_cast<char>(byte);
      i += 2;
    } else {
      text += value[i];
    }
  }
  return text;
}

std::string GrpcStatusName(const std::string& value) {
  int code = -1;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), code);
  if (error != std::errc() || end != value.data() + value.size() || code < 0 || code > 16) {
    return value + " (not a gRPC status code)";
  }
  return std::string(StatusCodeName(static_cast<grpc::StatusCode>(code))) + " (" + value + ")";
}

std::optional<StreamSummary> StreamLedger::Record(const Frame& frame) {
  if (frame.preface || frame.stream == 0 || !frame.problem.empty()) return std::nullopt;
  auto found = open_.find(frame.stream);
  if (found == open_.end()) {
    // Only the client's request headers open a stream (gRPC clients open every stream): what
    // comes after a stream's end (a WINDOW_UPDATE, an RST_STREAM, late trailers) is no new one.
    if (frame.role != HeaderRole::kRequestHeaders) return std::nullopt;
    found = open_.emplace(frame.stream, Open{}).first;
    found->second.summary.stream = frame.stream;
  }
  Open& open = found->second;
  if (!frame.method.empty()) open.summary.method = frame.method;
  StreamTally& tally =
      frame.direction == Direction::kSent ? open.summary.sent : open.summary.received;
  ++tally.frames;
  tally.messages += frame.messages.size();
  tally.bytes += 9 + uint64_t{frame.length};

  std::string code, message;
  for (const auto& [name, value] : frame.headers) {
    if (name == "grpc-status") code = value;
    if (name == "grpc-message") message = PercentDecoded(value);
  }
  if (!code.empty()) {
    const std::string name = GrpcStatusName(code);
    open.status = name.substr(0, name.find(' ')) + (message.empty() ? "" : ": " + message);
  }

  const bool ends = (frame.type == kData || frame.type == kHeaders) && frame.flags & kFlagEndStream;
  if (ends) (frame.direction == Direction::kSent ? open.sent_ended : open.received_ended) = true;
  if (frame.type == kRstStream) {
    const std::string reset = "RST_STREAM " + ErrorCodeName(frame.error_code.value_or(0));
    open.summary.ended = frame.direction == Direction::kSent
                             ? "reset by the client (" + reset + ")"
                             : "reset by the server (" + reset + ")";
    // A reset after the trailers only tidies up: the call had ended with its status.
    if (open.received_ended && !open.status.empty()) open.summary.ended = open.status;
  } else if (open.received_ended) {
    // The server's END_STREAM ends the call for gRPC, whether or not the client had
    // half-closed (a call that fails early ends before the client is done sending).
    open.summary.ended = open.status.empty() ? "no grpc-status" : open.status;
  } else {
    return std::nullopt;
  }
  open.summary.client_half_closed = open.sent_ended;
  StreamSummary done = std::move(open.summary);
  open_.erase(found);
  return done;
}

std::vector<StreamSummary> StreamLedger::CloseAll(const std::string& why) {
  std::vector<StreamSummary> done;
  for (auto& [stream, open] : open_) {
    open.summary.client_half_closed = open.sent_ended;
    open.summary.ended = open.received_ended && !open.status.empty()
                             ? open.status
                             : "the connection closed" + (why.empty() ? "" : ": " + why);
    done.push_back(std::move(open.summary));
  }
  open_.clear();
  return done;
}

}  // namespace greeter::wire

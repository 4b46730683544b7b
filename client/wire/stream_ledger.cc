#include "client/wire/stream_ledger.h"

#include "client/wire/grpc_status_headers.h"
#include "client/wire/http2_names.h"

namespace greeter::wire {

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
  if (frame.method) open.summary.method = *frame.method;
  StreamTally& tally =
      frame.direction == Direction::kSent ? open.summary.sent : open.summary.received;
  ++tally.frames;
  tally.messages += frame.messages.size();
  tally.bytes += 9 + uint64_t{frame.length};

  if (const auto status = ReadGrpcStatus(frame.headers); status.value) {
    open.status = status.Outcome();
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

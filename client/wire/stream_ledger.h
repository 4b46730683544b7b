#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/wire/flow_windows.h"
#include "client/wire/frame.h"

namespace greeter::wire {

// What one direction of a stream carried.
struct StreamTally {
  uint64_t frames = 0, messages = 0, bytes = 0;  // bytes: frame headers and payloads
};

// A stream, summed up when it ends.
struct StreamSummary {
  uint32_t stream = 0;
  std::string method;
  std::string ended;  // "OK", "ABORTED: no", "cancelled by the client (RST_STREAM CANCEL)", ...
  StreamTally sent, received;
  bool client_half_closed = false;  // the client had sent END_STREAM
  // Flow control at the stream's end, computed from the frames (client, server): what each
  // may still send on the stream and on the connection, and the lowest each has been.
  std::optional<Window> client_stream_window, server_stream_window;
  Window client_connection_window, server_connection_window;
};

// Sums up each stream of one connection from its frames: a stream ends when both sides have
// sent END_STREAM, or either resets it, or the connection closes under it.
class StreamLedger {
 public:
  // The stream this frame ended, summed up, if it ended one.
  std::optional<StreamSummary> Record(const Frame& frame);
  // Every stream still open, ended by the connection closing.
  std::vector<StreamSummary> CloseAll(const std::string& why);
  size_t open_streams() const { return open_.size(); }

 private:
  struct Open {
    StreamSummary summary;
    bool sent_ended = false, received_ended = false;
    std::string status;  // from grpc-status and grpc-message
  };
  std::map<uint32_t, Open> open_;
};

}  // namespace greeter::wire

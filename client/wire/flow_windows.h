#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "client/wire/frame.h"

namespace greeter::wire {

// One direction's HTTP/2 flow-control window (RFC 9113 section 6.9): how many more DATA bytes
// its sender may send, and the lowest it has been (0: the sender had to wait for the reader).
struct Window {
  int64_t now = 65535;
  int64_t lowest = 65535;
};

// A connection's own windows, both ways: what `status` shows.
struct ConnectionWindows {
  int connection = 0;  // numbered as the view numbers them, from 1
  Window client, server;
};

// The flow-control windows of one connection, computed from its frames: each starts at the
// peer's SETTINGS_INITIAL_WINDOW_SIZE (the connection's at 65,535), DATA takes its length from
// the window of its direction, WINDOW_UPDATE from the reading side gives it back. gRPC C++
// 1.51's channelz does not report windows; the frames tell them.
class FlowWindows {
 public:
  void Record(const Frame& frame);

  // What the client (kSent) or the server (kReceived) may still send on the connection, and on
  // an open stream; nothing for a stream not seen or already forgotten.
  const Window& Connection(Direction sender) const { return connection_[Index(sender)]; }
  std::optional<Window> Stream(uint32_t stream, Direction sender) const;
  void Forget(uint32_t stream) { streams_.erase(stream); }

 private:
  static size_t Index(Direction direction) { return direction == Direction::kSent ? 0 : 1; }
  static void Take(Window& window, int64_t bytes);

  Window connection_[2];
  int64_t initial_[2] = {65535, 65535};  // for new streams, by sender
  std::map<uint32_t, std::array<Window, 2>> streams_;
};

}  // namespace greeter::wire

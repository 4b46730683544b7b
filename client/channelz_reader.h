#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/channelz_socket.h"

namespace greeter {

// What gRPC's channelz knows about this process's channel to a target: the channel, its
// subchannels (one per address it connects to) and their sockets (common/channelz_socket.h).
// Counters that channelz leaves out read as 0.
struct ChannelzCalls {
  uint64_t started = 0;
  uint64_t succeeded = 0;
  uint64_t failed = 0;
};

struct ChannelzSubchannel {
  int64_t id = 0;
  std::string target;  // the resolved address, "ipv4:127.0.0.1:50051"
  std::string state;   // "READY", "IDLE", "TRANSIENT_FAILURE", ...; "UNKNOWN" when unset
  ChannelzCalls calls;
  std::vector<ChannelzSocket> sockets;
};

struct ChannelzChannel {
  int64_t id = 0;
  std::string target;  // as the channel was created with it
  std::string state;
  ChannelzCalls calls;
  std::vector<ChannelzSubchannel> subchannels;
};

// The newest channel in this process whose target is `target`, read from channelz; nothing when
// there is none. gRPC shares subchannels between a process's channels to the same target, so
// with several such channels the sockets' counters are their sum: greeter-client has one.
//
// gRPC counts a stream as succeeded or failed when it frees the stream, a moment after the call
// has reported its end. So that a call that has ended is never shown as open, this reads again
// (every millisecond, for at most `settle_within`) until every socket's streams have ended;
// this blocks, so an event loop should read with no settling and look again on a timer.
std::optional<ChannelzChannel> ReadChannelz(
    std::string_view target, std::chrono::milliseconds settle_within = std::chrono::seconds(1));

// Streams started that have not yet ended, on all of the channel's sockets.
uint64_t OpenStreams(const ChannelzChannel& channel);

}  // namespace greeter

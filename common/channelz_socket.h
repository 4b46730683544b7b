#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace greeter {

// What gRPC's channelz knows about one socket (one HTTP/2 connection) of this process.
// Counters that channelz leaves out read as 0; fields it does not report stay empty.
struct ChannelzSocket {
  int64_t id = 0;
  std::string local;   // "127.0.0.1:41234"
  std::string remote;  // "127.0.0.1:50051"
  uint64_t streams_started = 0;
  uint64_t streams_succeeded = 0;
  uint64_t streams_failed = 0;
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  uint64_t keepalives_sent = 0;
  // HTTP/2 flow-control windows in bytes. gRPC C++ 1.51 does not fill these in.
  std::optional<int64_t> local_flow_control_window;
  std::optional<int64_t> remote_flow_control_window;
};

// The socket `id`; nothing once it has closed.
std::optional<ChannelzSocket> ReadChannelzSocket(int64_t id);
// Every socket of every server of this process (channels enabled with GRPC_ARG_ENABLE_CHANNELZ).
std::vector<ChannelzSocket> ReadServerSockets();
// Streams started on the socket that have not yet ended.
uint64_t OpenStreams(const ChannelzSocket& socket);

}  // namespace greeter

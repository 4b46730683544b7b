#include "common/channelz_socket.h"

#include <grpc/grpc.h>

#include "common/channelz_json.h"

namespace greeter {

std::optional<ChannelzSocket> ReadChannelzSocket(int64_t id) {
  const auto found = channelz::Entity(grpc_channelz_get_socket, id, "socket");
  if (!found) return std::nullopt;
  using channelz::CountField, channelz::ObjectField, channelz::OptionalIntField;
  const channelz::Json& data = ObjectField(*found, "data");
  ChannelzSocket socket;
  socket.id = id;
  socket.local = channelz::AddressText(ObjectField(*found, "local"));
  socket.remote = channelz::AddressText(ObjectField(*found, "remote"));
  socket.streams_started = CountField(data, "streamsStarted");
  socket.streams_succeeded = CountField(data, "streamsSucceeded");
  socket.streams_failed = CountField(data, "streamsFailed");
  socket.messages_sent = CountField(data, "messagesSent");
  socket.messages_received = CountField(data, "messagesReceived");
  socket.keepalives_sent = CountField(data, "keepAlivesSent");
  socket.local_flow_control_window = OptionalIntField(data, "localFlowControlWindow");
  socket.remote_flow_control_window = OptionalIntField(data, "remoteFlowControlWindow");
  return socket;
}

std::vector<ChannelzSocket> ReadServerSockets() {
  using channelz::Json, channelz::IntField;
  std::vector<ChannelzSocket> sockets;
  const auto each_socket = [&sockets](const Json& server) {
    const int64_t server_id = IntField(channelz::ObjectField(server, "ref"), "serverId");
    channelz::ForEachListed(
        [server_id](int64_t start) {
          return channelz::Parsed(grpc_channelz_get_server_sockets(
              static_cast<intptr_t>(server_id), static_cast<intptr_t>(start), 0));
        },
        "socketRef", [](const Json& ref) { return IntField(ref, "socketId"); },
        [&sockets](const Json& ref) {
          if (auto socket = ReadChannelzSocket(IntField(ref, "socketId"))) {
            sockets.push_back(std::move(*socket));
          }
        });
  };
  channelz::ForEachListed(
      [](int64_t start) { return channelz::Call(grpc_channelz_get_servers, start); }, "server",
      [](const Json& server) { return IntField(channelz::ObjectField(server, "ref"), "serverId"); },
      each_socket);
  return sockets;
}

uint64_t OpenStreams(const ChannelzSocket& socket) {
  const uint64_t ended = socket.streams_succeeded + socket.streams_failed;
  return socket.streams_started > ended ? socket.streams_started - ended : 0;
}

}  // namespace greeter

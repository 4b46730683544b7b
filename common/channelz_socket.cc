#include "common/channelz_socket.h"

#include <grpc/grpc.h>
#include <grpc/support/alloc.h>

#include <algorithm>
#include <memory>

#include "common/channelz_json.h"

namespace greeter {

using namespace channelz;

std::optional<ChannelzSocket> ReadChannelzSocket(int64_t id) {
  const Json reply = Call(grpc_channelz_get_socket, id);
  if (!reply.contains("socket")) return std::nullopt;
  const Json& found = ObjectField(reply, "socket");
  const Json& data = ObjectField(found, "data");
  ChannelzSocket socket;
  socket.id = id;
  socket.local = AddressText(ObjectField(found, "local"));
  socket.remote = AddressText(ObjectField(found, "remote"));
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
  std::vector<ChannelzSocket> sockets;
  // Servers and their sockets come in pages (100 each); only the last says "end": true.
  for (int64_t server_start = 0;;) {
    const Json page = Call(grpc_channelz_get_servers, server_start);
    const Json& servers = ArrayField(page, "server");
    const int64_t page_start = server_start;
    for (const Json& server : servers) {
      const int64_t server_id = IntField(ObjectField(server, "ref"), "serverId");
      server_start = std::max(server_start, server_id + 1);
      for (int64_t socket_start = 0;;) {
        std::unique_ptr<char, decltype(&gpr_free)> text(
            grpc_channelz_get_server_sockets(static_cast<intptr_t>(server_id),
                                             static_cast<intptr_t>(socket_start), 0),
            &gpr_free);
        const Json refs =
            text ? Json::parse(text.get(), nullptr, /*allow_exceptions=*/false) : Json();
        const Json& found = ArrayField(refs, "socketRef");
        const int64_t refs_start = socket_start;
        for (const Json& ref : found) {
          const int64_t id = IntField(ref, "socketId");
          socket_start = std::max(socket_start, id + 1);
          if (auto socket = ReadChannelzSocket(id)) sockets.push_back(std::move(*socket));
        }
        if (!refs.is_object() || refs.value("end", false) || found.empty() ||
            socket_start == refs_start) {
          break;
        }
      }
    }
    if (!page.is_object() || page.value("end", false) || servers.empty() ||
        server_start == page_start) {
      break;
    }
  }
  return sockets;
}

uint64_t OpenStreams(const ChannelzSocket& socket) {
  const uint64_t ended = socket.streams_succeeded + socket.streams_failed;
  return socket.streams_started > ended ? socket.streams_started - ended : 0;
}

}  // namespace greeter

#include "client/channelz_report.h"

#include <nlohmann/json.hpp>

#include "client/status_row.h"

namespace greeter {
namespace {

using Json = nlohmann::json;

std::string Counts(uint64_t started, uint64_t succeeded, uint64_t failed) {
  return std::to_string(started) + " started, " + std::to_string(succeeded) + " succeeded, " +
         std::to_string(failed) + " failed";
}

std::string WindowsText(const ChannelzSocket& socket) {
  if (!socket.local_flow_control_window && !socket.remote_flow_control_window) {
    return "not reported (gRPC C++ 1.51's channelz leaves them out)";
  }
  const auto bytes = [](const std::optional<int64_t>& window) {
    return window ? std::to_string(*window) + " bytes" : std::string("not reported");
  };
  return "local " + bytes(socket.local_flow_control_window) +
         " (what this client may still send), " + "remote " +
         bytes(socket.remote_flow_control_window) + " (what the server may)";
}

std::string SocketText(const ChannelzSocket& socket) {
  return StatusRow("socket", "#" + std::to_string(socket.id) + " " + socket.local + " -> " +
                                 socket.remote + " (one TCP connection carrying HTTP/2)") +
         StatusRow(
             "streams",
             Counts(socket.streams_started, socket.streams_succeeded, socket.streams_failed) +
                 (OpenStreams(socket) > 0 ? ", " + std::to_string(OpenStreams(socket)) + " open"
                                          : std::string()) +
                 " (one HTTP/2 stream per call)") +
         StatusRow("messages", std::to_string(socket.messages_sent) + " sent, " +
                                   std::to_string(socket.messages_received) + " received") +
         StatusRow("windows", WindowsText(socket)) +
         StatusRow("keepalive", std::to_string(socket.keepalives_sent) + " pings sent");
}

// The lesson of the status: how many connections the channel's calls used.
std::string Conclusion(const ChannelzChannel& channel) {
  const ChannelzSocket* only_socket = nullptr;
  size_t sockets = 0;
  for (const auto& subchannel : channel.subchannels) {
    for (const auto& socket : subchannel.sockets) {
      only_socket = &socket;
      ++sockets;
    }
  }
  if (sockets == 0) {
    return channel.state == "IDLE"
               ? "No connection is open: the next call opens one.\n"
               : "No connection is open: the channel is " + channel.state + ".\n";
  }
  if (sockets > 1) {
    return std::to_string(sockets) + " connections are open (one per address the target has).\n";
  }
  const uint64_t calls = channel.calls.started;
  const uint64_t streams = only_socket->streams_started;
  if (calls == 0) return "One connection is open; no call has used it yet.\n";
  if (streams == calls) {
    if (calls == 1) return "The one call went over this one connection.\n";
    return (calls == 2 ? std::string("Both") : "All " + std::to_string(calls)) +
           " calls shared this one connection, each on its own HTTP/2 stream.\n";
  }
  return "This connection carried " + std::to_string(streams) + " of the channel's " +
         std::to_string(calls) +
         " calls; the others went over an earlier connection or failed before one opened.\n";
}

Json SocketJson(const ChannelzSocket& socket) {
  Json json{{"id", socket.id},
            {"local", socket.local},
            {"remote", socket.remote},
            {"streams_started", socket.streams_started},
            {"streams_succeeded", socket.streams_succeeded},
            {"streams_failed", socket.streams_failed},
            {"messages_sent", socket.messages_sent},
            {"messages_received", socket.messages_received},
            {"keepalives_sent", socket.keepalives_sent}};
  // Absent, not 0, when not reported.
  if (socket.local_flow_control_window) {
    json["local_flow_control_window"] = *socket.local_flow_control_window;
  }
  if (socket.remote_flow_control_window) {
    json["remote_flow_control_window"] = *socket.remote_flow_control_window;
  }
  return json;
}

Json CallsJson(const ChannelzCalls& calls) {
  return {{"started", calls.started}, {"succeeded", calls.succeeded}, {"failed", calls.failed}};
}

}  // namespace

std::string ChannelzText(const ChannelzChannel& channel) {
  std::string text = StatusRow("channel", "#" + std::to_string(channel.id) + " to " +
                                              channel.target + ", " + channel.state) +
                     StatusRow("calls", Counts(channel.calls.started, channel.calls.succeeded,
                                               channel.calls.failed));
  for (const auto& subchannel : channel.subchannels) {
    text += StatusRow("subchannel", "#" + std::to_string(subchannel.id) + " " + subchannel.target +
                                        ", " + subchannel.state);
    for (const auto& socket : subchannel.sockets) text += SocketText(socket);
  }
  return text + Conclusion(channel);
}

std::string ChannelzJson(const ChannelzChannel& channel) {
  Json subchannels = Json::array();
  for (const auto& subchannel : channel.subchannels) {
    Json sockets = Json::array();
    for (const auto& socket : subchannel.sockets) sockets.push_back(SocketJson(socket));
    subchannels.push_back({{"id", subchannel.id},
                           {"target", subchannel.target},
                           {"state", subchannel.state},
                           {"calls", CallsJson(subchannel.calls)},
                           {"sockets", sockets}});
  }
  const Json json{{"channel",
                   {{"id", channel.id},
                    {"target", channel.target},
                    {"state", channel.state},
                    {"calls", CallsJson(channel.calls)},
                    {"subchannels", subchannels}}}};
  return json.dump();
}

}  // namespace greeter

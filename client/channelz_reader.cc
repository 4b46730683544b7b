#include "client/channelz_reader.h"

#include <absl/strings/escaping.h>
#include <arpa/inet.h>
#include <grpc/grpc.h>
#include <grpc/support/alloc.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

namespace greeter {
namespace {

using Json = nlohmann::json;

// gRPC's channelz C API hands out JSON strings (channelz.proto's JSON mapping) that the caller
// frees; nothing for an id that does not exist.
Json CallChannelz(char* (*query)(intptr_t), int64_t id) {
  std::unique_ptr<char, decltype(&gpr_free)> text(query(static_cast<intptr_t>(id)), &gpr_free);
  if (text == nullptr) return Json();
  return Json::parse(text.get(), nullptr, /*allow_exceptions=*/false);
}

// Proto3 JSON writes 64-bit integers as strings and leaves zeros out.
int64_t Int(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return 0;
  const Json& value = object[key];
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) return std::stoll(value.get<std::string>());
  return 0;
}

std::string Text(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

// A google.protobuf.Int64Value: {"value": "65535"}, or absent when not reported.
std::optional<int64_t> OptionalInt(const Json& data, const char* key) {
  if (!data.contains(key)) return std::nullopt;
  return Int(data[key], "value");
}

// channelz's Address: {"tcpip_address": {"ip_address": base64 bytes, "port": N}}.
std::string AddressText(const Json& address) {
  if (!address.is_object()) return "";
  if (address.contains("tcpip_address")) {
    const Json& tcp = address["tcpip_address"];
    std::string bytes;
    absl::Base64Unescape(Text(tcp, "ip_address"), &bytes);
    char text[INET6_ADDRSTRLEN] = {};
    const std::string port = std::to_string(Int(tcp, "port"));
    if (bytes.size() == 4 && inet_ntop(AF_INET, bytes.data(), text, sizeof text)) {
      return std::string(text) + ":" + port;
    }
    if (bytes.size() == 16 && inet_ntop(AF_INET6, bytes.data(), text, sizeof text)) {
      return "[" + std::string(text) + "]:" + port;
    }
    return ":" + port;
  }
  if (address.contains("uds_address")) return "unix:" + Text(address["uds_address"], "filename");
  if (address.contains("other_address")) return Text(address["other_address"], "name");
  return "";
}

ChannelzCalls CallsOf(const Json& data) {
  return {static_cast<uint64_t>(Int(data, "callsStarted")),
          static_cast<uint64_t>(Int(data, "callsSucceeded")),
          static_cast<uint64_t>(Int(data, "callsFailed"))};
}

std::string StateOf(const Json& data) {
  return data.contains("state") ? Text(data["state"], "state") : "";
}

ChannelzSocket ReadSocket(int64_t id) {
  ChannelzSocket socket;
  socket.id = id;
  const Json reply = CallChannelz(grpc_channelz_get_socket, id);
  if (!reply.contains("socket")) return socket;
  const Json& found = reply["socket"];
  socket.local = AddressText(found.value("local", Json()));
  socket.remote = AddressText(found.value("remote", Json()));
  const Json data = found.value("data", Json::object());
  const auto count = [&data](const char* key) { return static_cast<uint64_t>(Int(data, key)); };
  socket.streams_started = count("streamsStarted");
  socket.streams_succeeded = count("streamsSucceeded");
  socket.streams_failed = count("streamsFailed");
  socket.messages_sent = count("messagesSent");
  socket.messages_received = count("messagesReceived");
  socket.keepalives_sent = count("keepAlivesSent");
  socket.local_flow_control_window = OptionalInt(data, "localFlowControlWindow");
  socket.remote_flow_control_window = OptionalInt(data, "remoteFlowControlWindow");
  return socket;
}

ChannelzSubchannel ReadSubchannel(int64_t id) {
  ChannelzSubchannel subchannel;
  subchannel.id = id;
  const Json reply = CallChannelz(grpc_channelz_get_subchannel, id);
  if (!reply.contains("subchannel")) return subchannel;
  const Json& found = reply["subchannel"];
  const Json data = found.value("data", Json::object());
  subchannel.target = Text(data, "target");
  subchannel.state = StateOf(data);
  subchannel.calls = CallsOf(data);
  for (const Json& socket_ref : found.value("socketRef", Json::array())) {
    subchannel.sockets.push_back(ReadSocket(Int(socket_ref, "socketId")));
  }
  return subchannel;
}

std::optional<ChannelzChannel> ReadChannelzOnce(std::string_view target) {
  Json newest;
  int64_t newest_id = -1;
  int64_t start = 0;
  // Top channels come in pages; the last says "end": true.
  for (;;) {
    const Json page = CallChannelz(grpc_channelz_get_top_channels, start);
    if (!page.is_object()) break;
    for (const Json& channel : page.value("channel", Json::array())) {
      const int64_t id = Int(channel.value("ref", Json::object()), "channelId");
      start = std::max(start, id + 1);
      if (id > newest_id && Text(channel.value("data", Json::object()), "target") == target) {
        newest = channel;
        newest_id = id;
      }
    }
    if (page.value("end", true)) break;
  }
  if (newest_id < 0) return std::nullopt;

  const Json data = newest.value("data", Json::object());
  ChannelzChannel channel{newest_id, std::string(target), StateOf(data), CallsOf(data), {}};
  for (const Json& subchannel_ref : newest.value("subchannelRef", Json::array())) {
    channel.subchannels.push_back(ReadSubchannel(Int(subchannel_ref, "subchannelId")));
  }
  return channel;
}

bool AllStreamsEnded(const ChannelzChannel& channel) {
  for (const auto& subchannel : channel.subchannels) {
    for (const auto& socket : subchannel.sockets) {
      if (OpenStreams(socket) > 0) return false;
    }
  }
  return true;
}

}  // namespace

uint64_t OpenStreams(const ChannelzSocket& socket) {
  const uint64_t ended = socket.streams_succeeded + socket.streams_failed;
  return socket.streams_started > ended ? socket.streams_started - ended : 0;
}

std::optional<ChannelzChannel> ReadChannelz(std::string_view target,
                                            std::chrono::milliseconds settle_within) {
  const auto give_up = std::chrono::steady_clock::now() + settle_within;
  auto channel = ReadChannelzOnce(target);
  // No event tells when gRPC frees a stream: look again shortly, within the bound.
  while (channel && !AllStreamsEnded(*channel) && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    channel = ReadChannelzOnce(target);
  }
  return channel;
}

}  // namespace greeter

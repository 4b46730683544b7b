#include "client/channelz_reader.h"

#include <absl/strings/escaping.h>
#include <arpa/inet.h>
#include <grpc/grpc.h>
#include <grpc/support/alloc.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

namespace greeter {
namespace {

using Json = nlohmann::json;

// gRPC's channelz C API hands out JSON strings (channelz.proto's JSON mapping) that the caller
// frees; nothing for an id that does not exist (a socket closed since it was listed).
Json CallChannelz(char* (*query)(intptr_t), int64_t id) {
  std::unique_ptr<char, decltype(&gpr_free)> text(query(static_cast<intptr_t>(id)), &gpr_free);
  if (text == nullptr) return Json();
  return Json::parse(text.get(), nullptr, /*allow_exceptions=*/false);
}

// Field readers that never throw: channelz leaves out fields that are zero or unset, and the
// status command must not end the REPL over a reply it did not expect.
const Json& ObjectField(const Json& object, const char* key) {
  static const Json kEmpty = Json::object();
  if (!object.is_object()) return kEmpty;
  const auto found = object.find(key);
  return found != object.end() && found->is_object() ? *found : kEmpty;
}

const Json& ArrayField(const Json& object, const char* key) {
  static const Json kEmpty = Json::array();
  if (!object.is_object()) return kEmpty;
  const auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

// Proto3 JSON writes 64-bit integers as strings.
int64_t IntField(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto found = object.find(key);
  if (found == object.end()) return 0;
  if (found->is_number_integer()) return found->get<int64_t>();
  if (!found->is_string()) return 0;
  const auto& text = found->get_ref<const std::string&>();
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

uint64_t CountField(const Json& object, const char* key) {
  return static_cast<uint64_t>(std::max<int64_t>(0, IntField(object, key)));
}

std::string StringField(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// A google.protobuf.Int64Value: {"value": "65535"}, or absent when not reported.
std::optional<int64_t> OptionalIntField(const Json& data, const char* key) {
  if (!data.is_object() || !data.contains(key)) return std::nullopt;
  return IntField(ObjectField(data, key), "value");
}

// channelz's Address: {"tcpip_address": {"ip_address": base64 bytes, "port": N}}.
std::string AddressText(const Json& address) {
  if (address.contains("tcpip_address")) {
    const Json& tcp = ObjectField(address, "tcpip_address");
    std::string bytes;
    absl::Base64Unescape(StringField(tcp, "ip_address"), &bytes);
    char text[INET6_ADDRSTRLEN] = {};
    const std::string port = std::to_string(IntField(tcp, "port"));
    if (bytes.size() == 4 && inet_ntop(AF_INET, bytes.data(), text, sizeof text)) {
      return std::string(text) + ":" + port;
    }
    if (bytes.size() == 16 && inet_ntop(AF_INET6, bytes.data(), text, sizeof text)) {
      return "[" + std::string(text) + "]:" + port;
    }
    return ":" + port;
  }
  if (address.contains("uds_address")) {
    return "unix:" + StringField(ObjectField(address, "uds_address"), "filename");
  }
  return StringField(ObjectField(address, "other_address"), "name");
}

ChannelzCalls CallsOf(const Json& data) {
  return {CountField(data, "callsStarted"), CountField(data, "callsSucceeded"),
          CountField(data, "callsFailed")};
}

std::string StateOf(const Json& data) {
  const std::string state = StringField(ObjectField(data, "state"), "state");
  return state.empty() ? "UNKNOWN" : state;
}

std::optional<ChannelzSocket> ReadSocket(int64_t id) {
  const Json reply = CallChannelz(grpc_channelz_get_socket, id);
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

std::optional<ChannelzSubchannel> ReadSubchannel(int64_t id) {
  const Json reply = CallChannelz(grpc_channelz_get_subchannel, id);
  if (!reply.contains("subchannel")) return std::nullopt;
  const Json& found = ObjectField(reply, "subchannel");
  const Json& data = ObjectField(found, "data");
  ChannelzSubchannel subchannel;
  subchannel.id = id;
  subchannel.target = StringField(data, "target");
  subchannel.state = StateOf(data);
  subchannel.calls = CallsOf(data);
  for (const Json& socket_ref : ArrayField(found, "socketRef")) {
    if (auto socket = ReadSocket(IntField(socket_ref, "socketId"))) {
      subchannel.sockets.push_back(std::move(*socket));
    }
  }
  return subchannel;
}

std::optional<ChannelzChannel> ReadChannelzOnce(std::string_view target) {
  Json newest;
  int64_t newest_id = -1;
  int64_t start = 0;
  // Top channels come in pages (100 each); only the last says "end": true.
  for (;;) {
    const Json page = CallChannelz(grpc_channelz_get_top_channels, start);
    const Json& channels = ArrayField(page, "channel");
    const int64_t page_start = start;
    for (const Json& channel : channels) {
      const int64_t id = IntField(ObjectField(channel, "ref"), "channelId");
      start = std::max(start, id + 1);
      if (id > newest_id && StringField(ObjectField(channel, "data"), "target") == target) {
        newest = channel;
        newest_id = id;
      }
    }
    const bool last_page = !page.is_object() || page.value("end", false);
    if (last_page || channels.empty() || start == page_start) break;
  }
  if (newest_id < 0) return std::nullopt;

  const Json& data = ObjectField(newest, "data");
  ChannelzChannel channel{newest_id, std::string(target), StateOf(data), CallsOf(data), {}};
  for (const Json& subchannel_ref : ArrayField(newest, "subchannelRef")) {
    if (auto subchannel = ReadSubchannel(IntField(subchannel_ref, "subchannelId"))) {
      channel.subchannels.push_back(std::move(*subchannel));
    }
  }
  return channel;
}

}  // namespace

uint64_t OpenStreams(const ChannelzSocket& socket) {
  const uint64_t ended = socket.streams_succeeded + socket.streams_failed;
  return socket.streams_started > ended ? socket.streams_started - ended : 0;
}

uint64_t OpenStreams(const ChannelzChannel& channel) {
  uint64_t open = 0;
  for (const auto& subchannel : channel.subchannels) {
    for (const auto& socket : subchannel.sockets) open += OpenStreams(socket);
  }
  return open;
}

std::optional<ChannelzChannel> ReadChannelz(std::string_view target,
                                            std::chrono::milliseconds settle_within) {
  const auto give_up = std::chrono::steady_clock::now() + settle_within;
  auto channel = ReadChannelzOnce(target);
  // No event tells when gRPC frees a stream: look again shortly, within the bound.
  while (channel && OpenStreams(*channel) > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    channel = ReadChannelzOnce(target);
  }
  return channel;
}

}  // namespace greeter

#include "client/channelz_reader.h"

#include <grpc/grpc.h>

#include <thread>

#include "common/channelz_json.h"

namespace greeter {
namespace {

using namespace channelz;

ChannelzCalls CallsOf(const Json& data) {
  return {CountField(data, "callsStarted"), CountField(data, "callsSucceeded"),
          CountField(data, "callsFailed")};
}

std::string StateOf(const Json& data) {
  const std::string state = StringField(ObjectField(data, "state"), "state");
  return state.empty() ? "UNKNOWN" : state;
}

std::optional<ChannelzSubchannel> ReadSubchannel(int64_t id) {
  const auto found = Entity(grpc_channelz_get_subchannel, id, "subchannel");
  if (!found) return std::nullopt;
  const Json& data = ObjectField(*found, "data");
  ChannelzSubchannel subchannel;
  subchannel.id = id;
  subchannel.target = StringField(data, "target");
  subchannel.state = StateOf(data);
  subchannel.calls = CallsOf(data);
  for (const Json& socket_ref : ArrayField(*found, "socketRef")) {
    if (auto socket = ReadChannelzSocket(IntField(socket_ref, "socketId"))) {
      subchannel.sockets.push_back(std::move(*socket));
    }
  }
  return subchannel;
}

std::optional<ChannelzChannel> ReadChannelzOnce(std::string_view target) {
  Json newest;
  int64_t newest_id = -1;
  const auto id_of = [](const Json& channel) {
    return IntField(ObjectField(channel, "ref"), "channelId");
  };
  ForEachListed(
      [](int64_t start) { return Call(grpc_channelz_get_top_channels, start); }, "channel", id_of,
      [&](const Json& channel) {
        const int64_t id = id_of(channel);
        if (id > newest_id && StringField(ObjectField(channel, "data"), "target") == target) {
          newest = channel;
          newest_id = id;
        }
      });
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

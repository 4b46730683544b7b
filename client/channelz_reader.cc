#include "client/channelz_reader.h"

#include <grpc/grpc.h>

#include <algorithm>
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
  const Json reply = Call(grpc_channelz_get_subchannel, id);
  if (!reply.contains("subchannel")) return std::nullopt;
  const Json& found = ObjectField(reply, "subchannel");
  const Json& data = ObjectField(found, "data");
  ChannelzSubchannel subchannel;
  subchannel.id = id;
  subchannel.target = StringField(data, "target");
  subchannel.state = StateOf(data);
  subchannel.calls = CallsOf(data);
  for (const Json& socket_ref : ArrayField(found, "socketRef")) {
    if (auto socket = ReadChannelzSocket(IntField(socket_ref, "socketId"))) {
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
    const Json page = Call(grpc_channelz_get_top_channels, start);
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

#pragma once

#include <string>
#include <string_view>

#include "client/channelz_reader.h"

namespace greeter {

// The channel as `status` shows it to people: the channel, then each subchannel and its
// sockets, and on each socket its streams, messages and flow-control windows; last, whether
// every call went over one connection.
std::string ChannelzText(const ChannelzChannel& channel);

// The same as one line of JSON, for scripts (--json).
std::string ChannelzJson(const ChannelzChannel& channel);

}  // namespace greeter

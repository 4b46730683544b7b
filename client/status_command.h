#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

#include "client/channelz_reader.h"
#include "client/wire/wire_view.h"

namespace greeter {

// `greeter-client status`: connects within `timeout`, then prints the channel to `target` as
// channelz sees it (ChannelzText, or ChannelzJson when `json`). Returns 0 when connected, else
// 78 (64 + UNAVAILABLE) with the reason on `err` (and as ErrorJson on `out` when `json`),
// having printed what channelz shows anyway. `view`: with --frames, the wire view, whose relay
// is what the channel connects to (and what channelz names it by); the text then says so, and
// the connection's flow-control windows are the view's, computed from the frames.
int RunStatus(grpc::Channel& channel, const std::string& target, bool json,
              std::chrono::milliseconds timeout, std::ostream& out, std::ostream& err,
              const wire::WireView* view = nullptr);

// Prints the channel to `target` (or through the view's relay) as channelz sees it now,
// without connecting: what --status shows after another command.
void PrintChannelStatus(const std::string& target, bool json, std::ostream& out,
                        const wire::WireView* view = nullptr);

// The channel as channelz reads it, with the view's windows on its one connection (channelz
// leaves them out); nothing when channelz has no record of it.
std::optional<ChannelzChannel> ReadChannelStatus(const std::string& target,
                                                 const wire::WireView* view,
                                                 std::chrono::milliseconds settle_within);

// "  wire view   on: the channel connects to RELAY, the --frames relay, which carries ..."
std::string WireViewRow(const std::string& target, const wire::WireView& view);

}  // namespace greeter

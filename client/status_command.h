#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <iosfwd>
#include <string>

namespace greeter {

// `greeter-client status`: connects within `timeout`, then prints the channel to `target` as
// channelz sees it (ChannelzText, or ChannelzJson when `json`). Returns 0 when connected, else
// 78 (64 + UNAVAILABLE) with the reason on `err` (and as ErrorJson on `out` when `json`),
// having printed what channelz shows anyway. `relay`: with --frames, the wire view's relay
// address, which is what the channel connects to (and what channelz names it by); the text
// then says so.
int RunStatus(grpc::Channel& channel, const std::string& target, bool json,
              std::chrono::milliseconds timeout, std::ostream& out, std::ostream& err,
              const std::string& relay = "");

// Prints the channel to `target` (or through `relay`) as channelz sees it now, without
// connecting: what --status shows after another command.
void PrintChannelStatus(const std::string& target, bool json, std::ostream& out,
                        const std::string& relay = "");

// "  wire view   on: the channel connects to RELAY, the --frames relay, which carries ..."
std::string WireViewRow(const std::string& target, const std::string& relay);

}  // namespace greeter

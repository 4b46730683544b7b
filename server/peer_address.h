#pragma once

#include <optional>
#include <string>

namespace greeter {

// How gRPC names the peer of a TCP socket, in its two places.
struct PeerNames {
  // In ServerContext::peer(), and so in OpenCalls: "ipv4:127.0.0.1:5432",
  // "ipv6:%5B::1%5D:5432" (an IPv4 client of a dual-stack listener as ipv4).
  std::string call_peer;
  // As channelz's socket shows it (ChannelzSocket::remote): "127.0.0.1:5432", "[::1]:5432".
  std::string address;
};

// The peer of the TCP socket `fd`, so that a connection greeter accepted can be told apart in
// its calls and in channelz. None when the socket has no peer any more, or for an IPv6 address
// with a zone (link-local), whose spelling gRPC has changed between versions.
std::optional<PeerNames> PeerNamesOf(int fd);

}  // namespace greeter

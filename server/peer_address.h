#pragma once

#include <optional>
#include <string>

namespace greeter {

// The peer of the TCP socket `fd` as gRPC names it in ServerContext::peer()
// ("ipv4:127.0.0.1:5432", "ipv6:%5B::1%5D:5432", and an IPv4 client of a dual-stack listener as
// ipv4), so that a connection greeter accepted can be told apart in its calls. None when the
// socket has no peer any more, or for an IPv6 address with a zone (link-local), whose spelling
// gRPC has changed between versions.
std::optional<std::string> GrpcPeerOf(int fd);

}  // namespace greeter

#include "server/peer_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace greeter {
namespace {

PeerNames Ipv4Peer(const in_addr& address, in_port_t port) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &address, text, sizeof text);
  const std::string host_port = std::string(text) + ":" + std::to_string(ntohs(port));
  return {"ipv4:" + host_port, host_port};
}

}  // namespace

std::optional<PeerNames> PeerNamesOf(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return std::nullopt;
  if (address.ss_family == AF_INET) {
    const auto& ipv4 = reinterpret_cast<const sockaddr_in&>(address);
    return Ipv4Peer(ipv4.sin_addr, ipv4.sin_port);
  }
  if (address.ss_family != AF_INET6) return std::nullopt;
  const auto& ipv6 = reinterpret_cast<const sockaddr_in6&>(address);
  if (IN6_IS_ADDR_V4MAPPED(&ipv6.sin6_addr)) {
    in_addr ipv4{};
    std::memcpy(&ipv4, &ipv6.sin6_addr.s6_addr[12], sizeof ipv4);
    return Ipv4Peer(ipv4, ipv6.sin6_port);
  }
  if (ipv6.sin6_scope_id != 0) return std::nullopt;
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &ipv6.sin6_addr, text, sizeof text);
  const std::string port = std::to_string(ntohs(ipv6.sin6_port));
  // A URI, its brackets percent-encoded.
  return PeerNames{"ipv6:%5B" + std::string(text) + "%5D:" + port,
                   "[" + std::string(text) + "]:" + port};
}

}  // namespace greeter

#include "server/rooms/redis_address.h"

#include <charconv>

namespace greeter {
namespace {

bool ParseNumber(std::string_view text, int low, int high, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value >= low && value <= high;
}

}  // namespace

std::optional<RedisAddress> RedisAddress::Parse(const std::string& text, std::string& error) {
  RedisAddress address;
  address.text = text;
  std::string_view rest = text;
  if (rest.starts_with("unix://")) {
    rest.remove_prefix(7);
    if (const auto query = rest.find("?db="); query != std::string_view::npos) {
      if (!ParseNumber(rest.substr(query + 4), 0, 1 << 20, address.db)) {
        error = "the database in " + text + " is not a number";
        return std::nullopt;
      }
      rest = rest.substr(0, query);
    }
    if (!rest.starts_with('/')) {
      error = text + " names no absolute socket path (unix:///path/to/redis.sock)";
      return std::nullopt;
    }
    address.unix_path = std::string(rest);
    return address;
  }
  if (!rest.starts_with("redis://")) {
    error = text + " is neither redis://HOST:PORT[/DB] nor unix:///path";
    return std::nullopt;
  }
  rest.remove_prefix(8);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (!ParseNumber(rest.substr(slash + 1), 0, 1 << 20, address.db)) {
      error = "the database in " + text + " is not a number";
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  address.host = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos &&
      !ParseNumber(rest.substr(colon + 1), 1, 65535, address.port)) {
    error = "the port in " + text + " is not a port number";
    return std::nullopt;
  }
  if (address.host.starts_with('[') && address.host.ends_with(']')) {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  if (address.host.empty()) {
    error = text + " names no host";
    return std::nullopt;
  }
  return address;
}

}  // namespace greeter

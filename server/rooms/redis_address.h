#pragma once

#include <optional>
#include <string>

namespace greeter {

// Where the rooms' Redis is: redis://HOST:PORT[/DB] or unix:///path/to/redis.sock[?db=N].
struct RedisAddress {
  std::string host;  // TCP, when unix_path is empty
  int port = 6379;
  std::string unix_path;  // a unix socket
  int db = 0;             // SELECTed on every connection
  std::string text;       // as given, for messages

  // Empty (and `error` says why) when `text` is neither form.
  static std::optional<RedisAddress> Parse(const std::string& text, std::string& error);
};

}  // namespace greeter

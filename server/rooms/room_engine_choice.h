#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/rooms/room_engine.h"
#include "server/server_limits.h"

namespace greeter {

// Which engine holds a server's chat rooms (greeter-server --rooms).
struct RoomEngineChoice {
  // "memory": this process alone. redis://HOST:PORT[/DB] or unix:///path/to/redis.sock: every
  // server pointed at that Redis shares the rooms.
  std::string engine = "memory";
  // Redis: how long a server that stops refreshing its presence keeps its members.
  std::chrono::milliseconds presence_expiry{10'000};
  // Redis: told when the room service becomes reachable or unreachable (health).
  std::function<void(bool reachable)> on_availability;

  bool shared() const { return engine != "memory"; }
};

// Why `engine` is not a choice RoomEngineChoice takes, or nothing.
std::optional<std::string> RoomEngineProblem(const std::string& engine);

// The engine chosen. `limits` and `io_context` must outlive it.
std::unique_ptr<RoomEngine> MakeRoomEngine(const RoomEngineChoice& choice,
                                           const ServerLimits& limits,
                                           asio::io_context& io_context);

}  // namespace greeter

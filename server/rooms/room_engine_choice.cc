#include "server/rooms/room_engine_choice.h"

#include <stdexcept>

#include "server/rooms/memory_rooms.h"
#include "server/rooms/redis_rooms.h"

namespace greeter {

std::optional<std::string> RoomEngineProblem(const std::string& engine) {
  if (engine == "memory") return std::nullopt;
  std::string error;
  if (!RedisAddress::Parse(engine, error)) {
    return error + " (use memory, redis://HOST:PORT[/DB] or unix:///path/to/redis.sock)";
  }
  return std::nullopt;
}

std::unique_ptr<RoomEngine> MakeRoomEngine(const RoomEngineChoice& choice,
                                           const ServerLimits& limits,
                                           asio::io_context& io_context) {
  if (!choice.shared()) return std::make_unique<MemoryRooms>(limits, io_context);
  std::string error;
  auto address = RedisAddress::Parse(choice.engine, error);
  if (!address) throw std::runtime_error("--rooms: " + error);
  RedisRoomsOptions options;
  options.address = std::move(*address);
  options.presence_expiry = choice.presence_expiry;
  options.on_availability = choice.on_availability;
  return std::make_unique<RedisRooms>(limits, io_context, std::move(options));
}

}  // namespace greeter

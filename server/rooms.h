#pragma once

#include <grpcpp/support/status.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "greet.pb.h"
#include "server/room_member.h"
#include "server/server_limits.h"

namespace greeter {

// The chat rooms of a server. A room is created by its first join and removed when its last
// member leaves. Every event of a room gets the room's next sequence number and is queued to
// each member under one lock, so all members see a room's events in the same order; the writes
// themselves start after the lock is released (RoomMember::Flush).
//
// Slow consumers: a member whose queue (ServerLimits::room_member_queue) is full when an event
// arrives is cut off, and the others are told it left. The room never waits for a member, so
// one reader that stops reading cannot slow the others, and memory stays bounded.
class Rooms {
 public:
  explicit Rooms(const ServerLimits& limits) : limits_(limits) {}

  // Joins `room` as `name`: the member gets WELCOME (with who is there), the others JOINED.
  // ALREADY_EXISTS for a name taken in that room, RESOURCE_EXHAUSTED past the room or member
  // limits, UNAVAILABLE once the server is closing.
  grpc::Status Join(const std::string& room, const std::string& name,
                    std::shared_ptr<RoomMember> member);
  // Sends `text` from `name` to everyone in `room`, the sender included.
  void Say(const std::string& room, const std::string& name, const std::string& text);
  // Leaves the room if `member` is in it (idempotent); the others are told.
  void Leave(const std::string& room, const std::string& name, const RoomMember* member);
  // Ends every member with `status` after what is queued to it, removes every room, and turns
  // later joins away. For the start of a server's shutdown.
  void CloseAll(const grpc::Status& status);

 private:
  struct Room {
    std::map<std::string, std::shared_ptr<RoomMember>> members;
    uint32_t last_sequence = 0;
  };
  using Touched = std::vector<std::shared_ptr<RoomMember>>;

  // Queues `event` (with the room's next sequence number) to every member, cutting off the
  // members that cannot take it. Mutex held.
  void Broadcast(const std::string& room_name, greet::HelloReply event, Touched& touched);
  void RemoveMember(const std::string& room_name, const std::string& name, Touched& touched);
  static void FlushAll(const Touched& touched);

  const ServerLimits& limits_;
  std::mutex mutex_;
  std::map<std::string, Room> rooms_;
  bool closed_ = false;
};

}  // namespace greeter

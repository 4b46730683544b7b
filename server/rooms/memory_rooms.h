#pragma once

#include <grpcpp/support/status.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "greet.pb.h"
#include "server/rooms/room_member.h"
#include "server/server_limits.h"

namespace greeter {

// The chat rooms of a server. A room is created by its first join. When its last member leaves
// it stays, with its history, for members that rejoin (resume), until its slot is needed for
// another room (ServerLimits::max_rooms). Every event of a room gets the room's next sequence
// number and is queued to each member under the room's own lock, so all members see a room's events
// in the same order and rooms do not contend with each other; the writes start after the lock is
// released (RoomMember::Flush). An event is built once and queued by reference.
//
// Joins: one in a quiet room is announced at once; those that follow within kJoinBatch are
// announced together in one JOINED (`members` lists them), so a crowd joining costs each member
// one event per kJoinBatch, and each newcomer gets its WELCOME with that event's number.
//
// Slow consumers: a member that falls too far behind (RoomMember::Enqueue) is cut off. All the
// members one event cuts off are announced in one LEFT event, so cutting off any number of them
// costs the others one presence event, and the room never waits for a member.
class Rooms {
 public:
  class Room;
  // What a member holds once it has joined: its room, reached without the rooms' own lock.
  using Handle = std::shared_ptr<Room>;

  // Joins within this of a room's last announcement are announced together, in one JOINED.
  static constexpr std::chrono::milliseconds kJoinBatch{10};

  // `io_context` runs the waits before a batch of joins is announced; it must outlive them.
  Rooms(const ServerLimits& limits, asio::io_context& io_context)
      : limits_(limits), io_context_(io_context) {}

  // Where a member that rejoins left off: the last room_sequence it saw, in which room epoch.
  struct Resume {
    uint32_t after = 0;
    uint64_t epoch = 0;
  };

  // Joins `room` as `name`: the member gets WELCOME (with who is there), the others JOINED,
  // and `joined` the room. With `resume`, the member first gets the room's events after
  // resume->after from its history, and the WELCOME says what was replayed and what was
  // missed. ALREADY_EXISTS for a name taken in that room, RESOURCE_EXHAUSTED past the room or
  // member limits, INVALID_ARGUMENT for a resume_after past the room's last event, UNAVAILABLE
  // once the server is closing.
  grpc::Status Join(const std::string& room, const std::string& name,
                    std::shared_ptr<RoomMember> member, std::optional<Resume> resume,
                    Handle& joined);
  // Sends `text` from `name` to everyone in the room, the sender included.
  void Say(const Handle& room, const std::string& name, const std::string& text);
  // Leaves the room if `member` is in it (idempotent); the others are told.
  void Leave(const Handle& room, const std::string& name, const RoomMember* member);
  // Ends every member with `status` after what is queued to it, removes every room, and turns
  // later joins away. For the start of a server's shutdown.
  void CloseAll(const grpc::Status& status);

 private:
  using Touched = std::vector<std::shared_ptr<RoomMember>>;

  // Frees a slot for a new room: removes one room nobody is in (its history goes). Mutex held.
  void EvictAnEmptyRoom();
  void AnnounceScheduledJoins(const Handle& room);
  static void FlushAll(const Touched& touched);

  const ServerLimits& limits_;
  asio::io_context& io_context_;
  std::mutex mutex_;  // rooms_ and closed_: taken to join and to remove a room, never to talk
  std::map<std::string, Handle> rooms_;
  bool closed_ = false;
};

}  // namespace greeter

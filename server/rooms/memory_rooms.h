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
#include "server/rooms/room_engine.h"
#include "server/rooms/room_member.h"
#include "server/server_limits.h"

namespace greeter {

// The chat rooms of one server, in its own memory (the default engine). A room is created by its
// first join. When its last member leaves it stays, with its history, for members that rejoin
// (resume), until its slot is needed for another room (ServerLimits::max_rooms). Every event of a
// room gets the room's next sequence number and is queued to each member under the room's own lock,
// so all members see a room's events in the same order and rooms do not contend with each other;
// the writes start after the lock is released (RoomMember::Flush). An event is built once and
// queued by reference.
//
// Joins: one in a quiet room is announced at once; those that follow within kJoinBatch are
// announced together in one JOINED (`members` lists them), so a crowd joining costs each member
// one event per kJoinBatch, and each newcomer gets its WELCOME with that event's number.
//
// Slow consumers: a member that falls too far behind (RoomMember::Enqueue) is cut off. All the
// members one event cuts off are announced in one LEFT event, so cutting off any number of them
// costs the others one presence event, and the room never waits for a member.
class MemoryRooms final : public RoomEngine {
 public:
  class Room;
  // What a member holds once it has joined: its room, reached without the rooms' own lock.
  using Handle = std::shared_ptr<Room>;

  // Joins within this of a room's last announcement are announced together, in one JOINED.
  static constexpr std::chrono::milliseconds kJoinBatch{10};

  // `io_context` runs the waits before a batch of joins is announced; it must outlive them.
  MemoryRooms(const ServerLimits& limits, asio::io_context& io_context)
      : limits_(limits), io_context_(io_context) {}

  // Answers at once, before returning: the seat is handed over when the join is accepted, and
  // the WELCOME follows when the join is announced (at once, or within kJoinBatch).
  void Join(RoomJoin join, std::shared_ptr<RoomMember> member) override;
  // Also removes every room.
  void CloseAll(const grpc::Status& status) override;

 private:
  class Seat;

  // The join's answer: OK once `member` waits in `joined`'s pending joins.
  grpc::Status Admit(RoomJoin& join, std::shared_ptr<RoomMember>& member, Handle& joined);
  // Sends `text` from `name` to everyone in the room, the sender included.
  void Say(const Handle& room, const std::string& name, const std::string& text);
  // Leaves the room if `member` is in it (idempotent); the others are told.
  void Leave(const Handle& room, const std::string& name, const RoomMember* member);
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

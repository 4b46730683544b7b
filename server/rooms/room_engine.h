#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/rooms/room_member.h"

namespace greeter {

// Where a member that rejoins left off: the last room_sequence it saw, in which room epoch.
struct RoomResume {
  uint32_t after = 0;
  uint64_t epoch = 0;
};

// What a member asks for when its first request names a room.
struct RoomJoin {
  std::string room;
  std::string name;
  std::optional<RoomResume> resume;
};

// A member's place in its room, handed to it once its join is accepted. What it says and its
// leaving go through it; both may be called from any thread and never block on a broker.
class RoomSeat {
 public:
  virtual ~RoomSeat() = default;
  // Sends `text` from this member to everyone in the room, the sender included.
  virtual void Say(std::string text) = 0;
  // Leaves the room (idempotent); the others are told. Called when the call ends for any reason.
  virtual void Leave() = 0;
};

// The chat rooms behind the bidi stream: in this process (MemoryRooms) or shared by several
// servers through a broker. The reactors talk to this interface only.
//
// The promises every engine keeps (the README's Chat rooms section): one order per room, one
// room_sequence numbering and one epoch; names unique per room; WELCOME lists who is there;
// JOINED and LEFT reach everyone; a slow consumer is cut off (RoomMember::Enqueue) and announced
// in one LEFT; --max-rooms and --max-room-members hold; resume replays from the history.
class RoomEngine {
 public:
  virtual ~RoomEngine() = default;

  // Asks to join. Never blocks: the answer reaches `member` later, or before Join returns, as
  // exactly one of RoomMember::Seated (then its WELCOME, after what it missed when it resumes,
  // and the room's events) or RoomMember::Refused: ALREADY_EXISTS for a name taken in that room,
  // RESOURCE_EXHAUSTED past the room or member limits, INVALID_ARGUMENT for a resume_after past
  // the room's last event, UNAVAILABLE once the server is closing or the room service is out
  // of reach.
  virtual void Join(RoomJoin join, std::shared_ptr<RoomMember> member) = 0;
  // Ends every member here with `status` after what is queued to it, and turns later joins
  // away. For the start of a server's shutdown.
  virtual void CloseAll(const grpc::Status& status) = 0;
};

}  // namespace greeter

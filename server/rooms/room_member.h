#pragma once

#include <grpcpp/support/status.h>

#include "server/rooms/room_event.h"

namespace greeter {

// One bidi stream in a chat room, as the rooms see it.
//
// Rooms call Enqueue and Close while holding the room's lock, so every member queues one room's
// events in the same order; these must only touch the member's own queue, never gRPC. After
// releasing the lock the rooms call Flush on each member they touched, and that starts writes.
class RoomMember {
 public:
  virtual ~RoomMember() = default;

  // Queues one event (shared with the other members). False when the member is too far
  // behind: it is a slow consumer, has cut itself off (it will end with RESOURCE_EXHAUSTED) and
  // must leave its room. A `replayed` event (history, for a member that resumes) does not count
  // as being behind: the history is bounded by itself.
  virtual bool Enqueue(const SharedRoomEvent& event, bool replayed = false) = 0;
  // The member's room is closing (the server shuts down): end with `status` once what is
  // queued has been written.
  virtual void Close(const grpc::Status& status) = 0;
  // Starts writing what Enqueue queued, or finishes a member that Enqueue or Close ended.
  virtual void Flush() = 0;
};

}  // namespace greeter

#pragma once

#include <grpcpp/support/status.h>

#include <memory>

#include "server/rooms/room_event.h"

namespace greeter {

class RoomSeat;

// One bidi stream in a chat room, as a RoomEngine sees it.
//
// Engines call Enqueue and Close while holding the room's lock (or from the one thread that
// delivers the room's events), so every member queues one room's events in the same order;
// these must only touch the member's own queue, never gRPC. Afterwards the engine calls Flush
// on each member it touched, and that starts writes. Seated and Refused are called without
// any engine lock held, and may be called before RoomEngine::Join returns.
class RoomMember {
 public:
  virtual ~RoomMember() = default;

  // The join is accepted: what the member says and its leaving go through `seat`. Its WELCOME
  // follows (it may already be queued).
  virtual void Seated(std::shared_ptr<RoomSeat> seat) = 0;
  // The join is refused: the call ends with `status`.
  virtual void Refused(const grpc::Status& status) = 0;
  // Queues one event (shared with the other members). False when the member is too far
  // behind: it is a slow consumer, has cut itself off (it will end with RESOURCE_EXHAUSTED) and
  // must leave its room. A `replayed` event (history, for a member that resumes) does not count
  // as being behind: the history is bounded by itself.
  virtual bool Enqueue(const SharedRoomEvent& event, bool replayed = false) = 0;
  // The member's room is closing (the server shuts down, or the room service is lost): end
  // with `status` once what is queued has been written.
  virtual void Close(const grpc::Status& status) = 0;
  // Starts writing what Enqueue queued, or finishes a member that Enqueue or Close ended.
  virtual void Flush() = 0;
};

}  // namespace greeter

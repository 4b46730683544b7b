#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "greet.pb.h"
#include "server/bidi_conversation.h"
#include "server/call_environment.h"
#include "server/cancellable_timer.h"
#include "server/rooms/room_engine.h"
#include "server/rooms/room_member.h"

namespace greeter {

class BidiStreamReactor;

// A bidi stream's room mode: the first request names a room. The session asks its engine to
// join; once seated, each later request's text goes to the room, and the room's events (joins,
// messages, leaves) are written as they come. Half-close, cancel or a bad request leaves.
//
// One write is in flight at most. Events wait in the member's own queue, texts and presence
// counted apart (ServerLimits::room_member_queue, room_presence_queue): a member that falls
// that far behind is cut off for the room to go on (RESOURCE_EXHAUSTED), and a write that stays
// stuck after that is cancelled after ServerLimits::slow_consumer_grace. Reads, writes, the
// grace timer and the engine reach the session on different threads: every decision is taken
// under the mutex by Advance(), and the gRPC calls it decides on are made after releasing it.
// The engine holds the session by shared_ptr; it never touches the call after its Finish.
class RoomSession final : public BidiConversation,
                          public RoomMember,
                          public std::enable_shared_from_this<RoomSession> {
 public:
  RoomSession(BidiStreamReactor& call, CallEnvironment& env, RoomEngine& rooms,
              const greet::HelloRequest& first);

  void Begin() override;
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  void Seated(std::shared_ptr<RoomSeat> seat) override;
  void Refused(const grpc::Status& status) override;
  bool Enqueue(const SharedRoomEvent& event, bool replayed) override;
  void Close(const grpc::Status& status) override;
  void Flush() override;

 private:
  struct NextSteps {
    bool read = false;
    bool write = false;
    bool start_grace = false;
    std::optional<grpc::Status> finish;
  };
  // Mutex held: the seat the caller must leave (after unlocking), if any.
  std::shared_ptr<RoomSeat> LeaveRoom();
  void ClearQueue();  // mutex held
  void CancelStuckWrite();
  NextSteps Advance();  // mutex held
  void Take(NextSteps steps);

  // A room event waiting to be written to this member: the shared event and this member's
  // sequence number for it (24 bytes).
  struct QueuedEvent {
    SharedRoomEvent event;
    uint32_t sequence;
    bool counted;  // toward how far behind the member is (not a replayed one)
  };

  BidiStreamReactor& call_;  // until the session's Finish
  const ServerLimits& limits_;
  RoomEngine& rooms_;
  CancellableTimer timer_;
  std::optional<RoomJoin> join_;  // until Begin asks for it
  const std::string room_;
  grpc::ByteBuffer request_bytes_;              // owned by the read in flight
  std::optional<QueuedEvent> event_in_flight_;  // the write in flight's event...
  grpc::ByteBuffer reply_bytes_;                // ...as the write sends it

  std::mutex mutex_;
  std::deque<QueuedEvent> events_;
  size_t texts_queued_ = 0;
  size_t presence_queued_ = 0;
  uint32_t events_made_ = 0;  // this member's HelloReply.sequence
  std::shared_ptr<RoomSeat> seat_;
  bool in_room_ = false;  // asked to join, and neither left, cut off nor closed
  bool cut_off_ = false;  // a slow consumer in its room
  bool grace_started_ = false;
  bool cancelling_ = false;  // TryCancel under way: the context must stay valid
  bool read_in_flight_ = false;
  // Reads decided and not yet started (StartRead not called): the call must not end. A count,
  // not a flag: a read can complete, and the next be decided on another thread, before the
  // thread that started the first has come back to say so.
  uint32_t reads_starting_ = 0;
  // OnReadDone is running (it says and leaves after releasing the mutex): a refusal must not
  // end the call under it, as it may for a read that only waits in gRPC.
  bool handling_read_ = false;
  bool write_in_flight_ = false;
  bool client_half_closed_ = false;
  bool call_dead_ = false;  // cancelled, or a write failed: nothing more reaches the client
  bool finished_ = false;
  std::optional<grpc::Status> refusal_;  // ends reading; what is queued still goes out
};

}  // namespace greeter

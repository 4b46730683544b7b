#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <asio/io_context.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "greet.pb.h"
#include "server/call_environment.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/cancellable_timer.h"
#include "server/rooms/memory_rooms.h"
#include "server/rooms/room_event.h"
#include "server/rooms/room_member.h"
#include "server/server_limits.h"

namespace greeter {

// SayHelloBidiStream, in one of two modes chosen by the first request:
// - plain: answers each request as it arrives, keeps answering after the client half-closes
//   until every accepted request has its reply, then finishes;
// - room (the first request names a room): joins it, sends each later request's text to the
//   room, and writes the room's events (joins, messages, leaves) as they come. Half-close or
//   cancel leaves the room.
//
// One read and one write are in flight at most; replies wait in a bounded queue. In plain mode a
// full queue (by count, or by bytes: --max-call-reply-memory) pauses reading, so HTTP/2 flow
// control pushes back on the client; a reply the server's reply memory cannot hold ends the
// call RESOURCE_EXHAUSTED after what is queued. In a room a full
// queue cuts the member off (Rooms explains why); a write that stays stuck after that is
// cancelled after ServerLimits::slow_consumer_grace.
// Reads, writes, timers and the rooms reach this reactor on different threads: every decision is
// taken under the mutex by Advance(), and the gRPC calls it decides on are made after the mutex
// is released. The reactor owns itself through self_ until OnDone, and the rooms and timers hold
// it by shared_ptr, so none of them can outlive it.
class BidiStreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
                                public RoomMember,
                                public std::enable_shared_from_this<BidiStreamReactor> {
 public:
  // Returns the reactor gRPC is given; it deletes itself after OnDone.
  static BidiStreamReactor* Start(grpc::CallbackServerContext* context, CallEnvironment& env,
                                  Rooms& rooms);

  BidiStreamReactor(grpc::CallbackServerContext* context, CallEnvironment& env, Rooms& rooms);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  bool Enqueue(const SharedRoomEvent& event, bool replayed) override;
  void Close(const grpc::Status& status) override;
  void Flush() override;
  // Rooms (the in-process engine) answers a join at once, through Join's status: these stay
  // unused until the reactor joins through RoomEngine.
  void Seated(std::shared_ptr<RoomSeat>) override {}
  void Refused(const grpc::Status&) override {}

 private:
  struct NextSteps {
    bool read = false;
    bool read_in_room = false;  // a room member's read: tell Advance once it is started
    bool write = false;
    bool wait_first_reply_delay = false;
    bool start_grace = false;
    std::optional<grpc::Status> finish;
  };
  // What the request just read asks for, decided under the mutex and done after it.
  struct RoomAction {
    enum { kNone, kJoin, kSay, kLeave } kind = kNone;
    std::string text;
    Rooms::Handle room;  // kSay, kLeave
  };
  RoomAction TakeRequest();  // mutex held
  void TakePlainRequest();   // mutex held
  void Perform(const RoomAction& action);
  void OnWriteSlotFreed(bool usable);  // a write or the first reply's delay is over
  void CancelStuckWrite();
  NextSteps Advance();  // mutex held
  void Take(NextSteps steps);
  // Mutex held: the room the caller must tell (after unlocking) that this member left, if any.
  Rooms::Handle LeaveRoom();
  void ClearQueue();  // mutex held

  // A reply waiting to be written, with its bytes of the server's reply memory (plain mode).
  struct QueuedReply {
    greet::HelloReply reply;
    std::optional<ReplyMemory::Claim> claim;
    size_t bytes = 0;
  };
  // A room event waiting to be written to this member: the shared event and this member's
  // sequence number for it (24 bytes).
  struct QueuedEvent {
    SharedRoomEvent event;
    uint32_t sequence;
    bool counted;  // toward how far behind the member is (not a replayed one)
  };

  grpc::CallbackServerContext* context_;
  CallEnvironment& env_;
  const ServerLimits& limits_;
  Rooms& rooms_;
  CallTracker tracker_;
  CancellableTimer timer_;
  std::shared_ptr<BidiStreamReactor> self_;     // until OnDone
  grpc::ByteBuffer request_bytes_;              // owned by the read in flight
  greet::HelloRequest request_;                 // the last request read, parsed
  greet::HelloReply reply_in_flight_;           // the write in flight's reply (plain mode)...
  std::optional<QueuedEvent> event_in_flight_;  // ...or room event (room mode)...
  grpc::ByteBuffer reply_bytes_;                // ...as the write sends it
  std::optional<ReplyMemory::Claim> claim_in_flight_;
  grpc::Status finished_with_;

  std::mutex mutex_;
  std::deque<QueuedReply> replies_;
  // Room mode only, made at the first event: an empty std::deque already holds over half a
  // KiB, which every plain bidi stream would carry.
  std::optional<std::deque<QueuedEvent>> events_;
  std::deque<QueuedEvent>& Events() { return events_ ? *events_ : events_.emplace(); }
  bool HasEvents() const { return events_ && !events_->empty(); }
  size_t queued_bytes_ = 0;  // of replies_, against limits_.max_call_reply_memory_bytes
  uint32_t replies_made_ = 0;
  CallKnobs knobs_;  // from the first request
  bool first_reply_delayed_ = false;
  std::string room_, member_name_;       // set once, at the join
  Rooms::Handle room_handle_;            // once joined
  std::optional<Rooms::Resume> resume_;  // the join's, when it resumes
  // Room events queued, texts and presence apart (ServerLimits::room_member_queue,
  // room_presence_queue): how far behind a member is.
  size_t texts_queued_ = 0;
  size_t presence_queued_ = 0;
  bool in_room_ = false;
  bool cut_off_ = false;  // a slow consumer in its room
  bool grace_started_ = false;
  bool cancelling_ = false;  // TryCancel under way: the context must stay valid
  bool read_in_flight_ = false;
  // Reads decided and not yet started (StartRead not called): the call must not end. A count,
  // not a flag: a read can complete, and the next be decided on another thread, before the
  // thread that started the first has come back to say so.
  uint32_t reads_starting_ = 0;
  bool write_in_flight_ = false;  // or the first reply's delay
  bool client_half_closed_ = false;
  bool call_dead_ = false;  // cancelled, or a write failed: nothing more reaches the client
  bool finished_ = false;
  std::optional<grpc::Status> refusal_;  // ends reading; what is queued still goes out
};

}  // namespace greeter

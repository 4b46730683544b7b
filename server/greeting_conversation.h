#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "greet.pb.h"
#include "server/bidi_conversation.h"
#include "server/call_environment.h"
#include "server/call_knobs.h"
#include "server/cancellable_timer.h"
#include "server/reply_memory.h"

namespace greeter {

class BidiStreamReactor;

// A bidi stream's plain mode: answers each request as it arrives, keeps answering after the
// client half-closes until every accepted request has its reply, then finishes.
//
// One read and one write are in flight at most; replies wait in a bounded queue. A full queue
// (by count, or by bytes: --max-call-reply-memory) pauses reading, so HTTP/2 flow control
// pushes back on the client; a reply the server's reply memory cannot hold ends the call
// RESOURCE_EXHAUSTED after what is queued. Reads, writes and the first reply's delay complete on
// different threads: every decision is taken under the mutex by Advance(), and the gRPC calls it
// decides on are made after the mutex is released.
class GreetingConversation final : public BidiConversation {
 public:
  GreetingConversation(BidiStreamReactor& call, CallEnvironment& env,
                       const greet::HelloRequest& first);

  void Begin() override;
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  struct NextSteps {
    bool read = false;
    bool write = false;
    bool wait_first_reply_delay = false;
    std::optional<grpc::Status> finish;
  };
  void Answer(const greet::HelloRequest& request);  // mutex held
  void OnWriteSlotFreed(bool usable);               // a write or the first reply's delay is over
  NextSteps Advance();                              // mutex held
  void Take(NextSteps steps);

  // A reply waiting to be written, with its bytes of the server's reply memory.
  struct QueuedReply {
    greet::HelloReply reply;
    std::optional<ReplyMemory::Claim> claim;
    size_t bytes = 0;
  };

  BidiStreamReactor& call_;
  CallEnvironment& env_;
  const ServerLimits& limits_;
  CancellableTimer timer_;
  grpc::ByteBuffer request_bytes_;     // owned by the read in flight
  greet::HelloReply reply_in_flight_;  // the write in flight's reply...
  grpc::ByteBuffer reply_bytes_;       // ...as the write sends it
  std::optional<ReplyMemory::Claim> claim_in_flight_;

  std::mutex mutex_;
  std::deque<QueuedReply> replies_;
  size_t queued_bytes_ = 0;  // of replies_, against limits_.max_call_reply_memory_bytes
  uint32_t replies_made_ = 0;
  uint64_t requests_read_ = 1;  // the first, read by the reactor
  CallKnobs knobs_;             // from the first request
  bool first_reply_delayed_ = false;
  bool read_in_flight_ = false;
  bool write_in_flight_ = false;  // or the first reply's delay
  bool client_half_closed_ = false;
  bool call_dead_ = false;  // cancelled, or a write failed: nothing more reaches the client
  bool finished_ = false;
  std::optional<grpc::Status> refusal_;  // ends reading; what is queued still goes out
};

}  // namespace greeter

#pragma once

#include <grpcpp/support/server_callback.h>

#include <asio/io_context.hpp>
#include <deque>
#include <mutex>
#include <optional>

#include "greet.pb.h"
#include "server/call_knobs.h"
#include "server/call_tracker.h"
#include "server/cancellable_timer.h"
#include "server/server_limits.h"

namespace greeter {

// SayHelloBidiStream: answers each request as it arrives, keeps answering after the client
// half-closes until every accepted request has its reply, then finishes.
//
// One read and one write are in flight at most. Replies wait in a queue of at most
// ServerLimits::bidi_replies_in_flight; when it is full the reactor stops reading, so HTTP/2 flow
// control pushes back on the client instead of the server buffering without bound.
// Reads and writes complete on different threads: every decision is taken under the mutex by
// Advance(), and the gRPC calls it decides on are made after the mutex is released.
class BidiStreamReactor final
    : public grpc::ServerBidiReactor<greet::HelloRequest, greet::HelloReply> {
 public:
  BidiStreamReactor(grpc::CallbackServerContext* context, const ServerLimits& limits,
                    asio::io_context& timers, CallReporter& reporter);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override { timer_.Cancel(); }
  void OnDone() override;

 private:
  struct NextSteps {
    bool read = false;
    bool write = false;
    bool wait_first_reply_delay = false;
    std::optional<grpc::Status> finish;
  };
  void TakeRequest();                  // mutex held
  void OnWriteSlotFreed(bool usable);  // a write or the first reply's delay is over
  NextSteps Advance();                 // mutex held
  void Take(NextSteps steps);

  grpc::CallbackServerContext* context_;
  const ServerLimits& limits_;
  CallTracker tracker_;
  CancellableTimer timer_;
  greet::HelloRequest request_;        // owned by the read in flight
  greet::HelloReply reply_in_flight_;  // owned by the write in flight
  grpc::Status finished_with_;

  std::mutex mutex_;
  std::deque<greet::HelloReply> replies_;
  uint32_t requests_read_ = 0;
  uint32_t replies_made_ = 0;
  CallKnobs knobs_;  // from the first request
  bool first_reply_delayed_ = false;
  bool read_in_flight_ = false;
  bool write_in_flight_ = false;  // or the first reply's delay
  bool client_half_closed_ = false;
  bool write_failed_ = false;
  bool finished_ = false;
  std::optional<grpc::Status> refusal_;  // a bad request ends reading; queued replies still go
};

}  // namespace greeter

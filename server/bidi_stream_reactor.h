#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <memory>
#include <mutex>

#include "greet.pb.h"
#include "server/bidi_conversation.h"
#include "server/call_environment.h"
#include "server/call_tracker.h"
#include "server/rooms/room_engine.h"

namespace greeter {

// SayHelloBidiStream. The first request chooses what the call is, and the conversation chosen
// runs it from then on:
// - a GreetingConversation answers each request (plain mode);
// - a RoomSession joins the room the request names and relays the room (room mode).
// This reactor reads that first request, keeps the call's record, and lends the conversation
// the call's operations. It deletes itself after OnDone; the conversation (which a room engine
// may hold a while longer) never touches it after its Finish.
class BidiStreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  BidiStreamReactor(grpc::CallbackServerContext* context, CallEnvironment& env, RoomEngine& rooms);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  // For the conversation. End is its last touch of the call.
  void End(grpc::Status status);
  CallTracker& tracker() { return tracker_; }
  grpc::CallbackServerContext& context() { return *context_; }

 private:
  std::shared_ptr<BidiConversation> Choose(greet::HelloRequest first);

  grpc::CallbackServerContext* context_;
  CallEnvironment& env_;
  RoomEngine& rooms_;
  CallTracker tracker_;
  grpc::ByteBuffer first_request_;
  grpc::Status finished_with_;

  std::mutex mutex_;  // a cancel can race the first read's completion
  std::shared_ptr<BidiConversation> conversation_;
  bool cancelled_ = false;
};

}  // namespace greeter

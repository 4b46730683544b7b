// SayHelloBidiStream: one reply per request, read and written concurrently; after the half-close
// the replies still queued go out, then OK.

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>

#include <deque>

#include "tools/peers/cpp/calls.h"
#include "tools/peers/cpp/completion_tag.h"
#include "tools/peers/cpp/greetings.h"

namespace greeter::reference {
namespace {

// Replies waiting for the write in flight before reading pauses (HTTP/2 flow control then
// holds the client back), the same bound as greeter-server's.
constexpr size_t kMaxQueuedReplies = 16;

class BidiCall {
 public:
  BidiCall(Service* service, grpc::ServerCompletionQueue* queue)
      : service_(service), queue_(queue), stream_(&context_) {
    service_->RequestSayHelloBidiStream(&context_, &stream_, queue_, queue_, &arrived_);
  }

 private:
  void OnArrived(bool ok) {
    if (!ok) {
      delete this;
      return;
    }
    ListenForBidiStream(service_, queue_);
    Advance();
  }

  void OnRead(bool ok) {
    reading_ = false;
    if (ok) {
      greet::HelloReply& reply = queued_.emplace_back();
      reply.set_message(GreetOne(request_.name()));
      reply.set_sequence(++replies_made_);
    } else {
      reads_ended_ = true;  // half-close, or cancel (then the writes fail as well)
    }
    Advance();
  }

  void OnWritten(bool ok) {
    writing_ = false;
    if (!ok) {
      write_failed_ = true;
      queued_.clear();
    }
    Advance();
  }

  // Every completion of this call comes from the one thread of its queue: no lock is needed.
  void Advance() {
    if (!writing_ && !write_failed_ && !queued_.empty()) {
      in_flight_ = std::move(queued_.front());
      queued_.pop_front();
      writing_ = true;
      stream_.Write(in_flight_, &written_);
    }
    if (!reading_ && !reads_ended_ && !write_failed_ && queued_.size() < kMaxQueuedReplies) {
      reading_ = true;
      stream_.Read(&request_, &read_);
    }
    if ((reads_ended_ || write_failed_) && !reading_ && !writing_ && queued_.empty() &&
        !finishing_) {
      finishing_ = true;
      stream_.Finish(write_failed_ ? grpc::Status::CANCELLED : grpc::Status::OK, &finished_);
    }
  }

  void OnFinished(bool /*ok*/) { delete this; }

  Service* service_;
  grpc::ServerCompletionQueue* queue_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<greet::HelloReply, greet::HelloRequest> stream_;
  greet::HelloRequest request_;  // owned by the read in flight
  greet::HelloReply in_flight_;  // owned by the write in flight
  std::deque<greet::HelloReply> queued_;
  uint32_t replies_made_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool reads_ended_ = false;
  bool write_failed_ = false;
  bool finishing_ = false;
  MemberTag<BidiCall> arrived_{this, &BidiCall::OnArrived};
  MemberTag<BidiCall> read_{this, &BidiCall::OnRead};
  MemberTag<BidiCall> written_{this, &BidiCall::OnWritten};
  MemberTag<BidiCall> finished_{this, &BidiCall::OnFinished};
};

}  // namespace

void ListenForBidiStream(Service* service, grpc::ServerCompletionQueue* queue) {
  new BidiCall(service, queue);  // deletes itself
}

}  // namespace greeter::reference

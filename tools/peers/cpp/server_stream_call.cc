// SayHelloServerStream: `count` replies (absent: 3), `interval_ms` apart (absent: 100; 0: as fast
// as the client reads), each written when the last one has completed.

#include <grpcpp/alarm.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>

#include <chrono>

#include "tools/peers/cpp/calls.h"
#include "tools/peers/cpp/completion_tag.h"
#include "tools/peers/cpp/greetings.h"

namespace greeter::reference {
namespace {

class ServerStreamCall {
 public:
  ServerStreamCall(Service* service, grpc::ServerCompletionQueue* queue)
      : service_(service), queue_(queue), writer_(&context_) {
    // Tells us of a cancel, so that a wait between replies ends at once instead of at its end.
    context_.AsyncNotifyWhenDone(&call_done_);
    service_->RequestSayHelloServerStream(&context_, &request_, &writer_, queue_, queue_,
                                          &arrived_);
  }

 private:
  void OnArrived(bool ok) {
    if (!ok) {  // the server is shutting down: no call came, and call_done_ will not come either
      delete this;
      return;
    }
    ListenForServerStream(service_, queue_);
    count_ = request_.has_count() ? request_.count() : 3;
    interval_ =
        std::chrono::milliseconds(request_.has_interval_ms() ? request_.interval_ms() : 100);
    if (count_ == 0) {
      Finish(grpc::Status::OK);
    } else {
      WriteNext();
    }
  }

  void WriteNext() {
    ++sent_;
    reply_.set_message(GreetInStream(request_.name(), sent_, count_));
    reply_.set_sequence(sent_);
    if (sent_ == count_) {
      writer_.WriteAndFinish(reply_, grpc::WriteOptions(), grpc::Status::OK, &finished_);
    } else {
      writer_.Write(reply_, &written_);
    }
  }

  void OnWritten(bool ok) {
    if (!ok) {  // the client has gone
      Finish(grpc::Status::CANCELLED);
    } else if (interval_.count() == 0) {
      WriteNext();
    } else {
      waiting_ = true;
      alarm_.Set(queue_, std::chrono::system_clock::now() + interval_, &interval_elapsed_);
    }
  }

  void OnIntervalElapsed(bool ok) {  // not ok: cancelled by OnCallDone
    waiting_ = false;
    if (ok) {
      WriteNext();
    } else {
      Finish(grpc::Status::CANCELLED);
    }
  }

  void OnCallDone(bool /*ok*/) {
    call_done_seen_ = true;
    if (waiting_) alarm_.Cancel();  // completes interval_elapsed_ with ok = false
    DeleteWhenDone();
  }

  void Finish(const grpc::Status& status) { writer_.Finish(status, &finished_); }

  void OnFinished(bool /*ok*/) {
    finished_seen_ = true;
    DeleteWhenDone();
  }

  // Both the Finish and the done notification must have come back before the tags can go.
  void DeleteWhenDone() {
    if (finished_seen_ && call_done_seen_) delete this;
  }

  Service* service_;
  grpc::ServerCompletionQueue* queue_;
  grpc::ServerContext context_;
  greet::HelloRequest request_;
  greet::HelloReply reply_;
  grpc::ServerAsyncWriter<greet::HelloReply> writer_;
  grpc::Alarm alarm_;
  uint32_t count_ = 0;
  uint32_t sent_ = 0;
  std::chrono::milliseconds interval_{0};
  bool waiting_ = false;
  bool finished_seen_ = false;
  bool call_done_seen_ = false;
  MemberTag<ServerStreamCall> arrived_{this, &ServerStreamCall::OnArrived};
  MemberTag<ServerStreamCall> written_{this, &ServerStreamCall::OnWritten};
  MemberTag<ServerStreamCall> interval_elapsed_{this, &ServerStreamCall::OnIntervalElapsed};
  MemberTag<ServerStreamCall> finished_{this, &ServerStreamCall::OnFinished};
  MemberTag<ServerStreamCall> call_done_{this, &ServerStreamCall::OnCallDone};
};

}  // namespace

void ListenForServerStream(Service* service, grpc::ServerCompletionQueue* queue) {
  new ServerStreamCall(service, queue);  // deletes itself
}

}  // namespace greeter::reference

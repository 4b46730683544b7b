// SayHelloClientStream: read names until the half-close, then greet them all in one reply.

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>

#include <string>
#include <vector>

#include "tools/peers/cpp/calls.h"
#include "tools/peers/cpp/completion_tag.h"
#include "tools/peers/cpp/greetings.h"

namespace greeter::reference {
namespace {

class ClientStreamCall {
 public:
  ClientStreamCall(Service* service, grpc::ServerCompletionQueue* queue)
      : service_(service), queue_(queue), reader_(&context_) {
    service_->RequestSayHelloClientStream(&context_, &reader_, queue_, queue_, &arrived_);
  }

 private:
  void OnArrived(bool ok) {
    if (!ok) {
      delete this;
      return;
    }
    ListenForClientStream(service_, queue_);
    reader_.Read(&request_, &read_);
  }

  void OnRead(bool ok) {
    if (ok) {
      names_.push_back(std::move(*request_.mutable_name()));
      reader_.Read(&request_, &read_);
      return;
    }
    // The half-close (or a cancel, when the reply goes nowhere).
    reply_.set_message(GreetAll(names_));
    reply_.set_count(static_cast<uint32_t>(names_.size()));
    reader_.Finish(reply_, grpc::Status::OK, &finished_);
  }

  void OnFinished(bool /*ok*/) { delete this; }

  Service* service_;
  grpc::ServerCompletionQueue* queue_;
  grpc::ServerContext context_;
  greet::HelloRequest request_;
  greet::HelloReply reply_;
  std::vector<std::string> names_;
  grpc::ServerAsyncReader<greet::HelloReply, greet::HelloRequest> reader_;
  MemberTag<ClientStreamCall> arrived_{this, &ClientStreamCall::OnArrived};
  MemberTag<ClientStreamCall> read_{this, &ClientStreamCall::OnRead};
  MemberTag<ClientStreamCall> finished_{this, &ClientStreamCall::OnFinished};
};

}  // namespace

void ListenForClientStream(Service* service, grpc::ServerCompletionQueue* queue) {
  new ClientStreamCall(service, queue);  // deletes itself
}

}  // namespace greeter::reference

// SayHello: arrive, reply, done.

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_unary_call.h>

#include "tools/peers/cpp/calls.h"
#include "tools/peers/cpp/completion_tag.h"
#include "tools/peers/cpp/greetings.h"

namespace greeter::reference {
namespace {

class UnaryCall {
 public:
  UnaryCall(Service* service, grpc::ServerCompletionQueue* queue)
      : service_(service), queue_(queue), responder_(&context_) {
    service_->RequestSayHello(&context_, &request_, &responder_, queue_, queue_, &arrived_);
  }

 private:
  void OnArrived(bool ok) {
    if (!ok) {  // the server is shutting down: no call came
      delete this;
      return;
    }
    ListenForSayHello(service_, queue_);
    reply_.set_message(GreetOne(request_.name()));
    responder_.Finish(reply_, grpc::Status::OK, &finished_);
  }

  void OnFinished(bool /*ok*/) { delete this; }

  Service* service_;
  grpc::ServerCompletionQueue* queue_;
  grpc::ServerContext context_;
  greet::HelloRequest request_;
  greet::HelloReply reply_;
  grpc::ServerAsyncResponseWriter<greet::HelloReply> responder_;
  MemberTag<UnaryCall> arrived_{this, &UnaryCall::OnArrived};
  MemberTag<UnaryCall> finished_{this, &UnaryCall::OnFinished};
};

}  // namespace

void ListenForSayHello(Service* service, grpc::ServerCompletionQueue* queue) {
  new UnaryCall(service, queue);  // deletes itself
}

}  // namespace greeter::reference

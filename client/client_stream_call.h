#pragma once

#include <grpcpp/support/client_callback.h>

#include <memory>

#include "client/call_settings.h"
#include "client/send_queue.h"
#include "greet.grpc.pb.h"

namespace greeter {

// SayHelloClientStream: Send names as they come, Close to half-close, then the one reply.
class ClientStreamCall final : public grpc::ClientWriteReactor<greet::HelloRequest> {
 public:
  static std::shared_ptr<ClientStreamCall> Start(greet::Greeter::Stub& stub,
                                                 const CallSettings& settings,
                                                 CallHandlers handlers);
  bool Send(greet::HelloRequest request) { return sender_.Send(std::move(request)); }
  // Send without waiting: see SendQueue::TrySend.
  using Offer = SendQueue<greet::HelloRequest, ClientStreamCall>::Offer;
  Offer TrySend(greet::HelloRequest& request, std::function<void()> on_room) {
    return sender_.TrySend(request, std::move(on_room));
  }
  void Close() { sender_.Close(); }
  // Ends the call now; what is still queued is dropped and OnDone follows promptly.
  void Cancel() {
    context_.TryCancel();
    sender_.Abandon();
  }
  // The server's address, as this client connected to it.
  std::string peer() { return context_.peer(); }

  // The server answers with headers only when it finishes; without them (ok false) it ended
  // the call early, with an error: stop sending, so OnDone can report it at once.
  void OnReadInitialMetadataDone(bool ok) override {
    if (!ok) sender_.Abandon();
  }
  void OnWriteDone(bool ok) override { sender_.OnWriteDone(ok); }
  void OnWritesDoneDone(bool) override { sender_.OnWritesDoneDone(); }
  void OnDone(const grpc::Status& status) override;

 private:
  std::shared_ptr<ClientStreamCall> self_;  // alive until OnDone
  CallHandlers handlers_;
  grpc::ClientContext context_;
  greet::HelloReply reply_;
  SendQueue<greet::HelloRequest, ClientStreamCall> sender_{*this, 64};
};

}  // namespace greeter

#pragma once

#include <grpcpp/completion_queue.h>

#include "greet.grpc.pb.h"

namespace greeter::reference {

using Service = greet::Greeter::AsyncService;

// Each posts one request for its method on `queue`: when a call arrives, the call object that
// was waiting for it posts the next request and serves the call as a small state machine driven
// by the completions of `queue` (so by one thread: no locks), then deletes itself.
void ListenForSayHello(Service* service, grpc::ServerCompletionQueue* queue);
void ListenForServerStream(Service* service, grpc::ServerCompletionQueue* queue);
void ListenForClientStream(Service* service, grpc::ServerCompletionQueue* queue);
void ListenForBidiStream(Service* service, grpc::ServerCompletionQueue* queue);

}  // namespace greeter::reference

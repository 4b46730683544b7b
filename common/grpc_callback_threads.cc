#include "common/grpc_callback_threads.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <future>
#include <mutex>

namespace greeter {

void KeepGrpcCallbackThreadsForTheProcess() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Never destroyed: it is the reference that must outlive every other.
    static auto* const keeper = new std::shared_ptr<grpc::Channel>(grpc::CreateChannel(
        "unix-abstract:greeter-callback-threads-keeper", grpc::InsecureChannelCredentials()));
    // A channel takes its reference with its first callback call: one that ends at once.
    grpc::GenericStub stub(*keeper);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now());
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1), reply;  // an empty message (a default ByteBuffer is none)
    std::promise<void> ended;
    stub.UnaryCall(&context, "/greeter.Keeper/Nothing", grpc::StubOptions(), &request, &reply,
                   [&ended](const grpc::Status&) { ended.set_value(); });
    ended.get_future().wait();
  });
}

}  // namespace greeter

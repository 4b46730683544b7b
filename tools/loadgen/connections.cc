#include "tools/loadgen/connections.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <set>

namespace greeter::bench {

std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    arguments.SetMaxReceiveMessageSize(-1);  // client-stream replies grow with --messages
    channels.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
  }
  return channels;
}

bool WaitUntilConnected(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                        std::chrono::system_clock::time_point deadline) {
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(deadline)) return false;
  }
  return true;
}

int CountDistinctPeers(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  std::set<std::string> peers;
  greet::HelloRequest request;
  request.set_name("greeter-bench");
  request.set_include_call_info(true);
  for (const auto& channel : channels) {
    auto stub = greet::Greeter::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    greet::HelloReply reply;
    if (stub->SayHello(&context, request, &reply).ok() && !reply.call().peer().empty()) {
      peers.insert(reply.call().peer());
    }
  }
  return static_cast<int>(peers.size());
}

}  // namespace greeter::bench

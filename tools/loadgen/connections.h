#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "greet.grpc.pb.h"

namespace greeter::bench {

// `count` channels to `target`, each on a TCP connection of its own: gRPC would otherwise share
// one connection between channels with equal arguments (the global subchannel pool).
std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(const std::string& target, int count);

// Waits until every channel is connected. False at the deadline.
bool WaitUntilConnected(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                        std::chrono::system_clock::time_point deadline);

// Asks the server, once per channel, for the peer address it sees (HelloRequest
// include_call_info) and counts the distinct ones: this shows the channels really are separate
// connections. 0 when the server does not report call info (the peers in tools/peers do not).
int CountDistinctPeers(const std::vector<std::shared_ptr<grpc::Channel>>& channels);

}  // namespace greeter::bench

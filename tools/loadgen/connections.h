#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "greet.grpc.pb.h"

namespace greeter::bench {

// `count` channels to `target` (host:port), each on a TCP connection of its own and answering
// calls before this returns; throws std::runtime_error naming the target when one does not
// within `timeout`.
//
// Lean channels (`full_stack` false) run over a socket opened here, as "direct" channels with
// gRPC's minimal filter stack (deadline checks kept): no resolver, load balancer or retry
// filter per call, which is most of what a gRPC C++ client spends beyond the transport. They do
// not reconnect; a benchmark does not want them to.
// Full channels are the usual kind; each gets a local subchannel pool, since gRPC would
// otherwise share one connection between channels with equal arguments.
std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(const std::string& target, int count,
                                                         bool full_stack,
                                                         std::chrono::milliseconds timeout);

// Asks the server, once per channel, for the peer address it sees (HelloRequest
// include_call_info) and counts the distinct ones: this shows the channels really are separate
// connections. 0 when the server does not report call info (the peers in tools/peers do not).
int CountDistinctPeers(const std::vector<std::shared_ptr<grpc::Channel>>& channels);

}  // namespace greeter::bench

#include "tools/loadgen/connections.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/create_channel_posix.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>

#include "common/duration.h"

namespace greeter::bench {

namespace {

// A connected TCP socket to host:port ("[::1]:50051" too), Nagle off as gRPC sets it.
int ConnectTcp(const std::string& target, std::chrono::milliseconds timeout) {
  const size_t colon = target.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--target: use host:port: " + target);
  std::string host = target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = target.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (const int error = getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); error != 0) {
    throw std::runtime_error("cannot resolve " + target + ": " + gai_strerror(error));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(addresses, &freeaddrinfo);
  int last_error = 0;
  for (const addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    const int fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    timeval bound{static_cast<time_t>(timeout.count() / 1000),
                  static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);  // bounds connect()
    if (connect(fd, address->ai_addr, address->ai_addrlen) == 0) {
      bound = {};
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
      const int on = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      return fd;
    }
    last_error = errno;
    close(fd);
  }
  if (last_error == EINPROGRESS || last_error == EAGAIN) {  // SO_SNDTIMEO ran out
    throw std::runtime_error("cannot connect to " + target + ": no answer within " +
                             FormatDuration(timeout));
  }
  throw std::runtime_error("cannot connect to " + target + ": " + std::strerror(last_error));
}

// A server that accepts but never speaks HTTP/2 would leave every call waiting: one call with
// a deadline shows that it answers. Any status but these means it did.
void CheckAnswers(const std::shared_ptr<grpc::Channel>& channel, const std::string& target,
                  std::chrono::milliseconds timeout) {
  auto stub = greet::Greeter::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  greet::HelloRequest request;
  request.set_name("greeter-bench");
  greet::HelloReply reply;
  const grpc::Status status = stub->SayHello(&context, request, &reply);
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
      status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    throw std::runtime_error("cannot connect to " + target + ": no gRPC answer within " +
                             FormatDuration(timeout) + " (" + status.error_message() + ")");
  }
}

std::shared_ptr<grpc::Channel> OpenLeanChannel(const std::string& target,
                                               std::chrono::milliseconds timeout) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(-1);  // client-stream replies grow with --messages
  arguments.SetInt(GRPC_ARG_MINIMAL_STACK, 1);
  // The minimal stack leaves the client's deadline filter out; deadlines must still end calls.
  arguments.SetInt(GRPC_ARG_ENABLE_DEADLINE_CHECKS, 1);
  auto channel =
      grpc::CreateCustomInsecureChannelFromFd(target, ConnectTcp(target, timeout), arguments);
  CheckAnswers(channel, target, timeout);
  return channel;
}

std::shared_ptr<grpc::Channel> OpenFullChannel(const std::string& target,
                                               std::chrono::milliseconds timeout) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  arguments.SetMaxReceiveMessageSize(-1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    throw std::runtime_error("cannot connect to " + target + " within " + FormatDuration(timeout));
  }
  return channel;
}

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(const std::string& target, int count,
                                                         bool full_stack,
                                                         std::chrono::milliseconds timeout) {
  // "host:port,host:port": the connections take the servers in turn (rooms spread over
  // several servers on one Redis).
  std::vector<std::string> targets;
  for (size_t start = 0; start <= target.size();) {
    const size_t comma = std::min(target.find(',', start), target.size());
    targets.push_back(target.substr(start, comma - start));
    start = comma + 1;
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    const std::string& one = targets[static_cast<size_t>(i) % targets.size()];
    channels.push_back(full_stack ? OpenFullChannel(one, timeout) : OpenLeanChannel(one, timeout));
  }
  return channels;
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

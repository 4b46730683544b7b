#pragma once

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace greeter::testing {

// Asks a server what it serves, the way grpcurl and evans do: over server reflection.
//
// gRPC 1.51 serves reflection as grpc.reflection.v1alpha only. Its C++ types live inside
// libgrpc++_reflection without headers, so this client speaks v1alpha with the messages of
// grpc.reflection.v1 (from Debian's grpc-proto), which are the same on the wire.
class ReflectionClient {
 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel);

  // The full names of every service, for example "greet.Greeter"; nullopt when the call fails.
  std::optional<std::vector<std::string>> ListServices();

  // The .proto file that defines `symbol` (a service or message full name), as the server
  // describes it; nullopt when the call fails or the server does not know the symbol.
  std::optional<google::protobuf::FileDescriptorProto> FileContainingSymbol(
      const std::string& symbol);

 private:
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace greeter::testing

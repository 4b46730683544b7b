#pragma once

#include <grpcpp/channel.h>

#include <memory>

#include "client/client_flags.h"

namespace greeter {

// The one channel a greeter-client process makes, to flags.target: plaintext, or TLS when
// --tls (or any of --ca, --cert, --key) is given. Throws std::runtime_error naming a
// certificate file that cannot be read.
std::shared_ptr<grpc::Channel> CreateGreeterChannel(const ClientFlags& flags);

}  // namespace greeter

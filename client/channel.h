#pragma once

#include <grpcpp/channel.h>

#include <memory>

#include "client/client_flags.h"
#include "client/wire/wire_view.h"

namespace greeter {

// The one channel a greeter-client process makes, to flags.target: plaintext, or TLS when
// --tls (or any of --ca, --cert, --key) is given. Throws std::runtime_error naming a
// certificate file that cannot be read.
// With a wire view (--frames), the channel connects to the view's relay instead, which carries
// its bytes to flags.target unchanged; :authority stays the target's.
std::shared_ptr<grpc::Channel> CreateGreeterChannel(const ClientFlags& flags,
                                                    const wire::WireView* view = nullptr);

// The TLS a wire view's relay does to the target for these flags (the channel's own, moved
// into the relay), or nothing for a plaintext target. Throws as CreateGreeterChannel does.
std::optional<wire::UpstreamTls> RelayTls(const ClientFlags& flags);

}  // namespace greeter

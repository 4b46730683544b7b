#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "greet.pb.h"
#include "server/server_limits.h"

namespace greeter {

// The test knobs of a call (README, "A target for streaming tests"), read from its first
// request: fail on purpose, delay the first reply, pad replies.
struct CallKnobs {
  std::optional<grpc::Status> failure;  // end the call with this...
  uint32_t fail_after_replies = 0;      // ...after this many replies
  std::chrono::milliseconds first_reply_delay{0};
  uint32_t reply_padding_bytes = 0;

  // Knobs as asked for, or INVALID_ARGUMENT naming the field and its limit. `most_replies` is
  // what the call shape can send before failing (1 for unary, count for a server stream).
  static std::variant<CallKnobs, grpc::Status> From(const greet::HelloRequest& request,
                                                    const ServerLimits& limits,
                                                    std::optional<uint32_t> most_replies);

  // Pads a reply as asked.
  void Shape(greet::HelloReply& reply) const;
  // The failure, when `replies_sent` have gone out and it is due.
  std::optional<grpc::Status> FailureDue(uint32_t replies_sent) const;
  // INVALID_ARGUMENT when the client half-closed a bidi call before the failure it asked for
  // was due (its reply count is only known then): a test must not pass by never reaching it.
  std::optional<grpc::Status> FailureNeverDue(uint32_t replies_sent) const;
};

// Request metadata under x-echo-initial-* comes back as initial metadata, and x-echo-trailing-*
// as trailing metadata, with the same keys and values (text, or binary for keys ending -bin).
// A key or value that gRPC would refuse to send (and abort the process over) is not echoed: the
// call gets INVALID_ARGUMENT naming the key and the rule, and nothing is echoed. Call before the
// call's first write or Finish.
grpc::Status EchoRequestedMetadata(grpc::CallbackServerContext& context);

}  // namespace greeter

#pragma once

#include <grpcpp/client_context.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "greet.pb.h"

namespace greeter {

// What the user sets once and every call uses: --deadline, and (in the REPL) headers.
struct CallSettings {
  std::optional<std::chrono::milliseconds> deadline;
  std::vector<std::pair<std::string, std::string>> metadata;

  void ApplyTo(grpc::ClientContext& context) const {
    if (deadline) context.set_deadline(std::chrono::system_clock::now() + *deadline);
    for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  }
};

// How a call reports back. Both run on gRPC threads; on_done runs once, last.
struct CallHandlers {
  std::function<void(const greet::HelloReply&)> on_reply;
  std::function<void(const grpc::Status&)> on_done;
};

}  // namespace greeter

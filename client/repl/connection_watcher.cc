#include "client/repl/connection_watcher.h"

#include <chrono>
#include <thread>

namespace greeter::repl {

ConnectionWatcher::ConnectionWatcher(std::shared_ptr<grpc::Channel> channel, Listener on_change) {
  // Detached: it blocks in gRPC until the next change, and the client may quit at any time.
  std::thread([channel = std::move(channel), on_change = std::move(on_change)] {
    grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
    on_change(state);
    while (state != GRPC_CHANNEL_SHUTDOWN) {
      const auto far_away = std::chrono::system_clock::now() + std::chrono::hours(24);
      if (!channel->WaitForStateChange(state, far_away)) continue;
      state = channel->GetState(/*try_to_connect=*/false);
      on_change(state);
    }
  }).detach();
}

std::string_view StateName(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_IDLE:
      return "idle";
    case GRPC_CHANNEL_CONNECTING:
      return "connecting";
    case GRPC_CHANNEL_READY:
      return "ready";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "transient failure";
    case GRPC_CHANNEL_SHUTDOWN:
      return "shutdown";
  }
  return "unknown";
}

}  // namespace greeter::repl

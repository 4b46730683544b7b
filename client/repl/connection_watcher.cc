#include "client/repl/connection_watcher.h"

#include <chrono>
#include <mutex>
#include <thread>

namespace greeter::repl {

struct ConnectionWatcher::Listening {
  std::mutex mutex;
  Listener on_change;  // empty once the watcher is gone

  void Tell(grpc_connectivity_state state) {
    std::lock_guard lock(mutex);
    if (on_change) on_change(state);
  }
};

ConnectionWatcher::ConnectionWatcher(std::shared_ptr<grpc::Channel> channel, Listener on_change)
    : listening_(std::make_shared<Listening>()) {
  listening_->on_change = std::move(on_change);
  // Detached: it blocks in gRPC until the next change, and the client may quit at any time.
  std::thread([channel = std::move(channel), listening = listening_] {
    grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
    listening->Tell(state);
    while (state != GRPC_CHANNEL_SHUTDOWN) {
      const auto far_away = std::chrono::system_clock::now() + std::chrono::hours(24);
      if (!channel->WaitForStateChange(state, far_away)) continue;
      state = channel->GetState(/*try_to_connect=*/false);
      listening->Tell(state);
    }
  }).detach();
}

ConnectionWatcher::~ConnectionWatcher() {
  std::lock_guard lock(listening_->mutex);  // waits for a Tell under way
  listening_->on_change = nullptr;
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

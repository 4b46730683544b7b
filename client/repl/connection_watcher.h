#pragma once

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string_view>

namespace greeter::repl {

// Reports every change of the channel's connectivity state (idle, connecting, ready,
// transient failure), having asked the channel to connect at the start. Whether an idle channel
// should connect again is the listener's to decide (a server closes idle connections: that is
// no loss). Waits on a thread of its own: gRPC offers no callback for state changes, and a wait
// must not block the terminal's loop.
class ConnectionWatcher {
 public:
  using Listener = std::function<void(grpc_connectivity_state state)>;
  // `on_change` runs on the watcher's thread; it must hand over, not print.
  ConnectionWatcher(std::shared_ptr<grpc::Channel> channel, Listener on_change);
  // `on_change` is not called from the moment this returns. (The thread itself cannot be
  // woken from gRPC's wait: it holds only the channel and a listener turned off, and ends with
  // the process.)
  ~ConnectionWatcher();
  ConnectionWatcher(const ConnectionWatcher&) = delete;
  ConnectionWatcher& operator=(const ConnectionWatcher&) = delete;

 private:
  struct Listening;  // shared with the thread
  std::shared_ptr<Listening> listening_;
};

// "idle", "connecting", "ready", "transient failure", "shutdown".
std::string_view StateName(grpc_connectivity_state state);

}  // namespace greeter::repl

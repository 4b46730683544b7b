#pragma once

#include <string>

#include "client/wire/frame.h"

namespace greeter::wire {

// Told what passes through the relay, on the relay's one thread, in the order it happened.
class WireObserver {
 public:
  virtual ~WireObserver() = default;
  // A new connection from gRPC (the first, or a reconnect), numbered from 1.
  virtual void OnConnectionOpened(int connection, const std::string& target) = 0;
  virtual void OnFrame(int connection, const Frame& frame) = 0;
  // The connection is gone; `why` says how (empty for an orderly close).
  virtual void OnConnectionClosed(int connection, double t_ms, const std::string& why) = 0;
};

}  // namespace greeter::wire

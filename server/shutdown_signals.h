#pragma once

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <future>
#include <thread>

namespace greeter {

// SIGINT and SIGTERM for greeter-server: the first one is handed to WaitForFirst (the drain
// starts); a second one ends the process at once with 128 + its number. Signals are caught
// from construction on, on an io_context and thread of their own, so they are still heard
// while the server's own threads drain.
class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Blocks until the first signal; returns its number.
  int WaitForFirst();

 private:
  void Listen();

  asio::io_context io_;
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
  std::promise<int> first_;
  bool heard_one_ = false;  // only touched on io_'s thread
  std::thread thread_;
};

}  // namespace greeter

#include "server/shutdown_signals.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>

namespace greeter {

ShutdownSignals::ShutdownSignals() {
  Listen();
  thread_ = std::thread([this] { io_.run(); });
}

ShutdownSignals::~ShutdownSignals() {
  io_.stop();
  thread_.join();
}

void ShutdownSignals::Listen() {
  signals_.async_wait([this](const asio::error_code& error, int signal_number) {
    if (error) return;
    if (heard_one_) {
      static const char kMessage[] = "greeter-server: second signal, exiting now\n";
      [[maybe_unused]] auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
      std::_Exit(128 + signal_number);
    }
    heard_one_ = true;
    first_.set_value(signal_number);
    Listen();
  });
}

int ShutdownSignals::WaitForFirst() { return first_.get_future().get(); }

}  // namespace greeter

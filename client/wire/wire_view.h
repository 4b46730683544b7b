#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "client/wire/frame_printer.h"
#include "client/wire/relay.h"

namespace greeter::wire {

// --frames: the relay the client's channel goes through and the printer of what passes.
// Exists only when the view is on; with it off, the channel connects straight to the target.
class WireView : private WireObserver {
 public:
  WireView(const std::string& target, FrameFormat format, bool colour, FramePrinter::LineSink sink);

  // Where the channel connects instead of the target.
  std::string address() const { return relay_.address(); }
  // Waits, up to `timeout`, until every connection through the relay has closed (the channel
  // was destroyed), so the last frames are printed before the process exits.
  void WaitForConnectionsClosed(std::chrono::milliseconds timeout);

 private:
  void OnConnectionOpened(int connection, const std::string& target) override;
  void OnFrame(int connection, const Frame& frame) override;
  void OnConnectionClosed(int connection, double t_ms, const std::string& why) override;

  FramePrinter printer_;
  std::mutex mutex_;
  std::condition_variable closed_;
  int open_connections_ = 0;
  WireRelay relay_;  // last: it stops (and calls nothing more) before the rest is destroyed
};

// "text" or "json" (what --frames takes), or nothing.
std::optional<FrameFormat> ParseFrameFormat(const std::string& text);

}  // namespace greeter::wire

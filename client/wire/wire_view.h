#pragma once

#include <memory>
#include <optional>
#include <string>

#include "client/wire/frame_printer.h"
#include "client/wire/relay.h"

namespace greeter::wire {

// --frames: the relay the client's channel goes through and the printer of what passes.
// Exists only when the view is on; with it off, the channel connects straight to the target.
class WireView {
 public:
  // `tls`: the TLS the relay does to the target, or nothing for plaintext.
  WireView(const std::string& target, std::optional<UpstreamTls> tls, FrameFormat format,
           bool colour, FramePrinter::LineSink sink);

  // Where the channel connects instead of the target.
  std::string address() const { return relay_.address(); }
  // The target as :authority names it (HOST:PORT, without a dns:/// scheme): the channel
  // through the relay sends what it would without it.
  const std::string& authority() const { return relay_.authority(); }
  // Waits, up to `timeout`, until what has reached the relay is printed, so a command's last
  // frames are shown before the process exits.
  // That is also every stream's end: a call ended by its deadline returns to the caller a
  // moment before gRPC sends its RST_STREAM.
  // The flow-control windows of the connection now carrying the channel, from its frames
  // (gRPC C++ 1.51's channelz leaves them out).
  std::optional<ConnectionWindows> windows() const { return printer_.latest_windows(); }
  void Settle(std::chrono::milliseconds timeout) {
    relay_.Settle(timeout, [this] { return printer_.open_streams() == 0; });
  }

 private:
  FramePrinter printer_;  // the relay's observer
  WireRelay relay_;       // last: it stops (and calls nothing more) before the rest is destroyed
};

// "text", "json" or "mermaid" (what --frames takes), or nothing.
std::optional<FrameFormat> ParseFrameFormat(const std::string& text);

}  // namespace greeter::wire

#include "client/wire/wire_view.h"

namespace greeter::wire {

WireView::WireView(const std::string& target, std::optional<UpstreamTls> tls, FrameFormat format,
                   bool colour, FramePrinter::LineSink sink)
    : printer_(format, colour, std::move(sink)), relay_(target, std::move(tls), *this) {}

void WireView::OnConnectionOpened(int connection, const std::string& target) {
  printer_.OnConnectionOpened(connection, target);
}

void WireView::OnFrame(int connection, const Frame& frame) { printer_.OnFrame(connection, frame); }

void WireView::OnConnectionClosed(int connection, double t_ms, const std::string& why) {
  printer_.OnConnectionClosed(connection, t_ms, why);
}

std::optional<FrameFormat> ParseFrameFormat(const std::string& text) {
  if (text == "text") return FrameFormat::kText;
  if (text == "json") return FrameFormat::kJson;
  if (text == "mermaid") return FrameFormat::kMermaid;
  return std::nullopt;
}

}  // namespace greeter::wire

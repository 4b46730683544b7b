#include "client/wire/wire_view.h"

namespace greeter::wire {

WireView::WireView(const std::string& target, std::optional<UpstreamTls> tls, FrameFormat format,
                   bool colour, FramePrinter::LineSink sink)
    : printer_(format, colour, std::move(sink)), relay_(target, std::move(tls), printer_) {}

std::optional<FrameFormat> ParseFrameFormat(const std::string& text) {
  if (text == "text") return FrameFormat::kText;
  if (text == "json") return FrameFormat::kJson;
  if (text == "mermaid") return FrameFormat::kMermaid;
  return std::nullopt;
}

}  // namespace greeter::wire

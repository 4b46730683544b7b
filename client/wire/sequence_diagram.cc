#include "client/wire/sequence_diagram.h"

#include "client/wire/frame_printer.h"
#include "client/wire/grpc_status_headers.h"
#include "client/wire/http2_names.h"

namespace greeter::wire {

namespace {

// Mermaid ends a statement at ';' and reads '#...;' as a character entity: both are written
// as entities, and line breaks as spaces, so any text stays one message.
std::string MermaidText(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ';') {
      out += "#59;";
    } else if (c == '#') {
      out += "#35;";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Header(const Frame& frame, const std::string& name) {
  for (const auto& [field, value] : frame.headers) {
    if (field == name) return value;
  }
  return "";
}

// What the arrow says: the frame's type, stream and flags, and the one thing it carries that
// matters on a slide.
std::string Label(const Frame& frame) {
  if (!frame.problem.empty()) return "cannot decode: " + frame.problem;
  if (frame.preface) return "PREFACE";
  std::string label =
      FrameTypeName(frame.type) + " stream " + std::to_string(frame.stream) + FlagsText(frame);
  switch (frame.type) {
    case kHeaders:
    case kContinuation: {
      label += " " + RoleName(frame.role);
      if (const auto path = Header(frame, ":path"); !path.empty()) label += " " + path;
      if (const auto status = ReadGrpcStatus(frame.headers); status.value) {
        label += " " + status.code;
        if (status.message && !status.message->empty()) label += " " + *status.message;
      }
      return label;
    }
    case kData:
    case kSettings:
    case kRstStream:
    case kGoaway:
    case kWindowUpdate:
      // The decoded messages, settings, error code or increment, as the text view says them.
      if (const auto detail = FrameDetail(frame); !detail.empty()) label += " " + detail;
      return label;
    default:
      return label;
  }
}

// Light colours, one per stream (client streams are odd: 1, 3, 5, ...).
std::string StreamColour(uint32_t stream) {
  static constexpr const char* kColours[] = {"219, 234, 254", "254, 243, 199", "237, 233, 254",
                                             "220, 252, 231", "252, 231, 243", "224, 242, 254"};
  return kColours[(stream / 2) % 6];
}

}  // namespace

std::vector<std::string> DiagramHeader() {
  return {"sequenceDiagram", "    participant C as client", "    participant S as server"};
}

std::vector<std::string> DiagramFrame(const Frame& frame) {
  const std::string arrow = std::string("    ") +
                            (frame.direction == Direction::kSent ? "C->>S: " : "S->>C: ") +
                            MermaidText(Label(frame));
  if (frame.stream == 0 || frame.preface || !frame.problem.empty()) return {arrow};
  return {"    rect rgb(" + StreamColour(frame.stream) + ")", arrow, "    end"};
}

std::string DiagramNote(const std::string& text) {
  return "    Note over C,S: " + MermaidText(text);
}

}  // namespace greeter::wire

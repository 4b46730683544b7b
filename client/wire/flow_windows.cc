#include "client/wire/flow_windows.h"

#include <algorithm>

#include "client/wire/http2_names.h"

namespace greeter::wire {

void FlowWindows::Take(Window& window, int64_t bytes) {
  window.now -= bytes;
  window.lowest = std::min(window.lowest, window.now);
}

void FlowWindows::Record(const Frame& frame) {
  if (frame.preface || !frame.problem.empty()) return;
  const size_t from = Index(frame.direction);
  const size_t other = 1 - from;
  switch (frame.type) {
    case kSettings:
      for (const auto& [identifier, value] : frame.settings) {
        if (identifier != kSettingsInitialWindowSize) continue;
        // The sender of SETTINGS reads: it sets how much the other side may send per stream,
        // and every open stream's window moves by the difference (RFC 9113 section 6.9.2).
        const int64_t delta = int64_t{value} - initial_[other];
        initial_[other] = value;
        for (auto& [stream, windows] : streams_) {
          windows[other].now += delta;
          windows[other].lowest = std::min(windows[other].lowest, windows[other].now);
        }
      }
      break;
    case kHeaders:
      if (frame.role == HeaderRole::kRequestHeaders && !streams_.contains(frame.stream)) {
        streams_[frame.stream] = {Window{initial_[0], initial_[0]},
                                  Window{initial_[1], initial_[1]}};
      }
      break;
    case kData:
      Take(connection_[from], frame.length);  // padding counts too
      if (auto stream = streams_.find(frame.stream); stream != streams_.end()) {
        Take(stream->second[from], frame.length);
      }
      break;
    case kWindowUpdate: {
      // The reader gives room back to the side that sends towards it.
      const int64_t increment = frame.increment.value_or(0);
      if (frame.stream == 0) {
        connection_[other].now += increment;
      } else if (auto stream = streams_.find(frame.stream); stream != streams_.end()) {
        stream->second[other].now += increment;
      }
      break;
    }
    default:
      break;
  }
}

std::optional<Window> FlowWindows::Stream(uint32_t stream, Direction sender) const {
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return std::nullopt;
  return found->second[Index(sender)];
}

}  // namespace greeter::wire

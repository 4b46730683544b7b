#include "client/repl/call_summary.h"

#include <cstdio>

#include "client/reply_printer.h"
#include "common/plural.h"

namespace greeter::repl {

std::string FormatElapsed(std::chrono::nanoseconds elapsed) {
  const double milliseconds = static_cast<double>(elapsed.count()) / 1e6;
  char text[32];
  if (milliseconds < 10) {
    std::snprintf(text, sizeof text, "%.1f ms", milliseconds);
  } else if (milliseconds < 1000) {
    std::snprintf(text, sizeof text, "%.0f ms", milliseconds);
  } else {
    std::snprintf(text, sizeof text, "%.2f s", milliseconds / 1000);
  }
  return text;
}

std::string CallSummary(const FinishedCall& call, bool with_timing) {
  const std::string replies = Plural(call.replies, "reply", "replies");
  if (call.cancelled_by_user) {
    std::string text = "CANCELLED by Ctrl-C";
    if (call.streamed_replies) text += " after " + replies;
    if (with_timing) text += " in " + FormatElapsed(call.elapsed);
    return text;
  }
  if (call.status.ok()) {
    if (!with_timing) return "";
    if (!call.streamed_replies) return "OK in " + FormatElapsed(call.elapsed);
    std::string text = "OK: " + replies + " in " + FormatElapsed(call.elapsed);
    const double seconds = static_cast<double>(call.elapsed.count()) / 1e9;
    if (call.replies > 1 && seconds > 0) {
      char rate[48];
      std::snprintf(rate, sizeof rate, ", %.1f replies/s",
                    static_cast<double>(call.replies) / seconds);
      text += rate;
    }
    return text;
  }
  std::string text = StatusText(call.status);
  if (with_timing) text += " (" + FormatElapsed(call.elapsed) + ")";
  return text;
}

}  // namespace greeter::repl

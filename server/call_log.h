#pragma once

#include <string>

#include "common/stderr_log.h"
#include "server/call_record.h"

namespace greeter {

// How the server logs a finished call: text for people, JSON for log collectors.
enum class CallLogFormat { kText, kJson };

// One line per finished call:
// "2026-11-25T18:22:01.042Z SayHelloServerStream ipv4:127.0.0.1:53712 OK 301.2ms in=1 out=3"
// with the status message quoted after the code when there is one.
std::string FormatCallLogLine(const CallRecord& record);

// The same fields as one JSON object on one line, the duration as a number:
// {"time":"2026-11-25T18:22:01.042Z","method":"SayHello","peer":"ipv4:127.0.0.1:53712",
//  "code":"INVALID_ARGUMENT","message":"name: ...","duration_ms":0.3,"in":1,"out":0}
// "message" is there only when the status has one, as in the text line.
std::string FormatCallLogJson(const CallRecord& record);

// An observer that queues each finished call's line on `log` in `format`; it never blocks.
CallObserver CallLogTo(StderrLog& log, CallLogFormat format = CallLogFormat::kText);

}  // namespace greeter

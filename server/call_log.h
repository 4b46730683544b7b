#pragma once

#include <string>

#include "server/call_record.h"

namespace greeter {

// One line per finished call:
// "2026-11-25T18:22:01.042Z SayHelloServerStream ipv4:127.0.0.1:53712 OK 301.2ms in=1 out=3"
// with the status message quoted after the code when there is one.
std::string FormatCallLogLine(const CallRecord& record);

// An observer that writes FormatCallLogLine to stderr, one write per line.
CallObserver StderrCallLog();

}  // namespace greeter

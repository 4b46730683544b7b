#pragma once

#include <asio/io_context.hpp>

#include "server/call_reporter.h"
#include "server/open_calls.h"
#include "server/reply_memory.h"
#include "server/server_limits.h"

namespace greeter {

// What every call of one server shares: its limits, the io_context its waits run on, where it
// reports, and the budgets one client must not be able to exhaust. Outlives every call.
struct CallEnvironment {
  const ServerLimits& limits;
  asio::io_context& timers;
  CallReporter& reporter;
  ReplyMemory& reply_memory;
  OpenCalls& open_calls;
};

}  // namespace greeter

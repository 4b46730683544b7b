#pragma once

#include <CLI/App.hpp>

#include "server/connection_options.h"

namespace greeter {

// greeter-server's keepalive and connection-limit flags, writing into `options`; their
// defaults are the values `options` holds when this is called.
void AddConnectionFlags(CLI::App& app, ConnectionOptions& options);

}  // namespace greeter

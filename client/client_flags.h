#pragma once

#include <CLI/App.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/call_settings.h"

namespace greeter {

// The flags every greeter-client command shares: where to connect, how to print, and what
// every call carries (deadline, headers, test knobs).
struct ClientFlags {
  std::string target = "localhost:50051";
  std::string lb_policy;  // --lb-policy: pick_first or round_robin; empty: gRPC's (pick_first)
  bool json = false;
  bool show_metadata = false;
  bool show_status = false;  // --status: the channel as channelz sees it, after the command
  std::string frames;        // --frames: "text" or "json"; empty: the view is off
  std::string deadline;
  std::vector<std::string> headers;  // KEY=VALUE
  bool call_info = false;
  std::string fail;  // CODE or CODE:MESSAGE
  uint32_t fail_after = 0;
  std::string delay;
  uint32_t padding = 0;
  // TLS: --tls, and the files of the CA to trust, and of this client's certificate and key
  // for mutual TLS; --server-name checks the server's certificate for this name instead.
  bool tls = false;
  std::string ca, cert, key, server_name;
};

void AddClientFlags(CLI::App& app, ClientFlags& flags);

// The settings the flags ask for, or a message naming the flag that is wrong.
struct SettingsOrError {
  CallSettings settings;
  std::string error;
};
SettingsOrError SettingsFrom(const ClientFlags& flags);

}  // namespace greeter

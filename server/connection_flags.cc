#include "server/connection_flags.h"

#include <CLI/CLI.hpp>

#include "common/duration.h"

namespace greeter {
namespace {

// A duration flag (500ms, 20s, 5m; 0 where it means "no limit") stored into `target`.
void AddDurationFlag(CLI::App& app, const std::string& name, ConnectionOptions::Duration& target,
                     const std::string& description, const std::string& group) {
  app.add_option_function<std::string>(
         name,
         [name, &target](const std::string& text) {
           const auto duration = ParseDuration(text);
           if (!duration) {
             throw CLI::ValidationError(NotADuration(name, text));
           }
           target = *duration;
         },
         description)
      ->type_name("DURATION")
      ->default_str(FormatDuration(target))
      ->group(group);
}

}  // namespace

void AddConnectionFlags(CLI::App& app, ConnectionOptions& options) {
  const std::string group = "Connections and keepalive";
  AddDurationFlag(app, "--keepalive-time", options.keepalive_time,
                  "Ping a client after this long without activity, to find dead connections",
                  group);
  AddDurationFlag(app, "--keepalive-timeout", options.keepalive_timeout,
                  "Close the connection when a ping is not answered within this", group);
  app.add_flag("--permit-keepalive-without-calls", options.permit_keepalive_without_calls,
               "Accept client keepalive pings on connections with no call in flight")
      ->group(group);
  AddDurationFlag(app, "--min-ping-interval", options.min_ping_interval,
                  "Shortest gap between client pings accepted; pinging more often gets the "
                  "connection closed with GOAWAY too_many_pings",
                  group);
  AddDurationFlag(app, "--max-connection-idle", options.max_connection_idle,
                  "Close a connection with no call in flight for this long (0: never)", group);
  AddDurationFlag(app, "--max-connection-age", options.max_connection_age,
                  "Close a connection this old, so clients reconnect and spread (0: never)", group);
  AddDurationFlag(app, "--max-connection-age-grace", options.max_connection_age_grace,
                  "How long calls in flight may continue on a connection closed for its age "
                  "(0: no limit)",
                  group);
  app.add_option("--max-concurrent-streams", options.max_concurrent_streams,
                 "Calls in flight on one connection; a client queues the rest until one ends")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30))
      ->group(group);
  app.add_option("--max-connections", options.max_connections,
                 "Open TCP connections; past it new ones are closed at once and counted in the "
                 "log (0: the descriptor limit less 128, at most 10000)")
      ->capture_default_str()
      ->group(group);
  app.add_option_function<std::vector<std::string>>(
         "--grpc-arg",
         [&options](const std::vector<std::string>& entries) {
           for (const auto& entry : entries) {
             const size_t equals = entry.find('=');
             if (!entry.starts_with("grpc.") || equals == std::string::npos ||
                 equals + 1 == entry.size()) {
               throw CLI::ValidationError("--grpc-arg",
                                          "use NAME=VALUE with a gRPC channel argument's name "
                                          "(grpc.NAME), got " +
                                              entry);
             }
             options.grpc_args.emplace_back(entry.substr(0, equals), entry.substr(equals + 1));
           }
         },
         "A gRPC channel argument for tuning, e.g. grpc.http2.lookahead_bytes=1048576 "
         "(repeatable; a whole number is passed as an integer)")
      ->type_name("NAME=VALUE")
      ->group("Tuning");
}

}  // namespace greeter

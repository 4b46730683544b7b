#include "server/connection_options.h"

#include <charconv>
#include <climits>

namespace greeter {
namespace {

int Milliseconds(ConnectionOptions::Duration duration) {
  return static_cast<int>(std::min<int64_t>(duration.count(), INT_MAX));
}

}  // namespace

void ConnectionOptions::ApplyTo(grpc::ServerBuilder& builder, bool grpc_closes_idle) const {
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Milliseconds(keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                             permit_keepalive_without_calls ? 1 : 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Milliseconds(min_ping_interval));
  // gRPC's own "no limit" for these three is to leave them unset.
  if (grpc_closes_idle && max_connection_idle.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, Milliseconds(max_connection_idle));
  }
  if (max_connection_age.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Milliseconds(max_connection_age));
  }
  if (max_connection_age_grace.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               Milliseconds(max_connection_age_grace));
  }
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, max_concurrent_streams);
  for (const auto& [name, value] : grpc_args) {
    int number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error == std::errc{} && end == value.data() + value.size()) {
      builder.AddChannelArgument(name, number);
    } else {
      builder.AddChannelArgument(name, value);
    }
  }
}

}  // namespace greeter

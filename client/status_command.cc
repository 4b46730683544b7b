#include "client/status_command.h"

#include <ostream>

#include "client/channelz_reader.h"
#include "client/channelz_report.h"
#include "client/reply_printer.h"
#include "client/status_row.h"
#include "common/duration.h"

namespace greeter {

int RunStatus(grpc::Channel& channel, const std::string& target, bool json,
              std::chrono::milliseconds timeout, std::ostream& out, std::ostream& err,
              const std::string& relay) {
  const bool connected = channel.WaitForConnected(std::chrono::system_clock::now() + timeout);
  PrintChannelStatus(target, json, out, relay);
  if (connected) return 0;
  const grpc::Status failure(grpc::StatusCode::UNAVAILABLE,
                             "cannot connect to " + target + " within " + FormatDuration(timeout));
  err << "greeter-client: " << StatusText(failure) << "\n";
  if (json) out << ErrorJson(failure) << "\n";
  return ExitCodeFor(failure);
}

void PrintChannelStatus(const std::string& target, bool json, std::ostream& out,
                        const std::string& relay) {
  const std::string channel_target = relay.empty() ? target : relay;
  const auto channel = ReadChannelz(channel_target);
  if (!channel) {
    out << (json ? "{\"channel\":null}" : "channelz knows no channel to " + channel_target) << "\n";
    return;
  }
  out << (json ? ChannelzJson(*channel) + "\n" : ChannelzText(*channel));
  if (!json && !relay.empty()) out << WireViewRow(target, relay);
}

std::string WireViewRow(const std::string& target, const std::string& relay) {
  return StatusRow("wire view", "on: the channel connects to " + relay +
                                    ", the --frames relay, which carries every byte to " + target +
                                    " (flow-control windows: in each stream's summary)");
}

}  // namespace greeter

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
              const wire::WireView* view) {
  const bool connected = channel.WaitForConnected(std::chrono::system_clock::now() + timeout);
  PrintChannelStatus(target, json, out, view);
  if (connected) return 0;
  const grpc::Status failure(grpc::StatusCode::UNAVAILABLE,
                             "cannot connect to " + target + " within " + FormatDuration(timeout));
  err << "greeter-client: " << StatusText(failure) << "\n";
  if (json) out << ErrorJson(failure) << "\n";
  return ExitCodeFor(failure);
}

void PrintChannelStatus(const std::string& target, bool json, std::ostream& out,
                        const wire::WireView* view) {
  const auto channel = ReadChannelStatus(target, view, std::chrono::seconds(1));
  if (!channel) {
    out << (json ? "{\"channel\":null}"
                 : "channelz knows no channel to " + (view ? view->address() : target))
        << "\n";
    return;
  }
  out << (json ? ChannelzJson(*channel) + "\n" : ChannelzText(*channel));
  if (!json && view) out << WireViewRow(target, *view);
}

std::optional<ChannelzChannel> ReadChannelStatus(const std::string& target,
                                                 const wire::WireView* view,
                                                 std::chrono::milliseconds settle_within) {
  auto channel = ReadChannelz(view ? view->address() : target, settle_within);
  if (!channel || !view) return channel;
  const auto windows = view->windows();
  std::vector<ChannelzSocket*> sockets;
  for (auto& subchannel : channel->subchannels) {
    for (auto& socket : subchannel.sockets) sockets.push_back(&socket);
  }
  // The relay takes one connection at a time from the channel: the one open is the newest.
  if (windows && sockets.size() == 1) {
    sockets[0]->local_flow_control_window = windows->client.now;
    sockets[0]->remote_flow_control_window = windows->server.now;
  }
  return channel;
}

std::string WireViewRow(const std::string& target, const wire::WireView& view) {
  return StatusRow("wire view", "on: the channel connects to " + view.address() +
                                    ", the --frames relay, which carries every byte to " + target +
                                    " (the windows above are computed from its frames; each "
                                    "stream's are in its summary)");
}

}  // namespace greeter

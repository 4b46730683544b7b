#include "client/status_command.h"

#include <ostream>

#include "client/channelz_reader.h"
#include "client/channelz_report.h"
#include "client/reply_printer.h"
#include "common/duration.h"

namespace greeter {

int RunStatus(grpc::Channel& channel, const std::string& target, bool json,
              std::chrono::milliseconds timeout, std::ostream& out, std::ostream& err) {
  const bool connected = channel.WaitForConnected(std::chrono::system_clock::now() + timeout);
  PrintChannelStatus(target, json, out);
  if (connected) return 0;
  const grpc::Status failure(grpc::StatusCode::UNAVAILABLE,
                             "cannot connect to " + target + " within " + FormatDuration(timeout));
  err << "greeter-client: " << StatusText(failure) << "\n";
  if (json) out << ErrorJson(failure) << "\n";
  return ExitCodeFor(failure);
}

void PrintChannelStatus(const std::string& target, bool json, std::ostream& out) {
  const auto channel = ReadChannelz(target);
  if (!channel) {
    out << (json ? "{\"channel\":null}" : "channelz knows no channel to " + target) << "\n";
    return;
  }
  out << (json ? ChannelzJson(*channel) + "\n" : ChannelzText(*channel));
}

}  // namespace greeter

// greeter-client: one-shot commands for scripts and an interactive client for people, each
// over one channel per process.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "client/call_commands.h"
#include "client/channel.h"
#include "client/client_flags.h"
#include "client/flag_scope.h"
#include "client/grpc_log.h"
#include "client/health_check.h"
#include "client/input_text.h"
#include "client/one_shot_commands.h"
#include "client/repl/run_repl.h"
#include "client/reply_printer.h"
#include "client/status_command.h"
#include "client/wire/frame_line_switch.h"
#include "common/command_line.h"
#include "common/duration.h"
#include "common/grpc_callback_threads.h"
#include "common/stderr_log.h"
#include "common/utf8.h"

int main(int argc, char** argv) {
  greeter::RouteGrpcLogThroughTool();  // before gRPC starts: its first lines too
  greeter::ClientFlags flags;
  CLI::App app{"greeter-client: calls greet.Greeter in each of the four gRPC call shapes."};
  app.require_subcommand(0, 1);
  greeter::AddClientFlags(app, flags);
  app.footer(
      "Exit status: 0 when every call ends OK; otherwise 64 + the gRPC status code\n"
      "(65 CANCELLED, 67 INVALID_ARGUMENT, 68 DEADLINE_EXCEEDED, 72 RESOURCE_EXHAUSTED,\n"
      "78 UNAVAILABLE, ...), with the code and message on stderr. 2: bad command line.");

  greeter::CallCommandWords call_words;
  greeter::AddCallCommands(app, call_words);

  auto* repl_command = app.add_subcommand(
      "repl", "The interactive client (also what no command opens): type help at its prompt");

  std::string health_service;
  auto* health = app.add_subcommand(
      "health",
      "grpc.health.v1 Check of SERVICE (default: the whole server). Exit status, as "
      "grpc_health_probe's: 0 SERVING, 1 bad flags, 2 cannot connect, 3 the call failed, "
      "4 NOT_SERVING or unknown service");
  health->add_option("SERVICE", health_service, "Service to ask about, e.g. greet.Greeter");

  auto* status_command = app.add_subcommand(
      "status",
      "Connect, then show this client's channel as gRPC's channelz sees it: the subchannel, "
      "the socket (the connection), and on it streams and messages");

  if (const auto exit_code = greeter::ParseCommandLine(app, argc, argv)) {
    return *exit_code != 0 && health->parsed() ? greeter::kHealthBadFlags : *exit_code;
  }

  // A command line it cannot act on: the message, then health's exit code or the usage one.
  const auto refuse = [&](const std::string& why) {
    std::cerr << "greeter-client: " << why << "\n";
    return *health ? greeter::kHealthBadFlags : greeter::kUsageExitCode;
  };
  const auto subcommands = app.get_subcommands();
  if (auto problem = greeter::FlagNotForCommand(
          app, subcommands.empty() ? "repl" : subcommands.front()->get_name())) {
    return refuse(*problem);
  }
  const auto [settings, error] = greeter::SettingsFrom(flags);
  if (!error.empty()) return refuse(error);
  // Every string field sent must be UTF-8 (protobuf would not send it), and a name of blanks
  // is a slip, not a name: refused here, with the interactive client's words.
  std::optional<greeter::CallCommand> call_command;
  if (!subcommands.empty() && subcommands.front() != repl_command &&
      subcommands.front() != health && subcommands.front() != status_command) {
    auto checked = greeter::CallCommandFrom(*subcommands.front(), call_words);
    if (!checked.command) return refuse(checked.error);
    call_command = std::move(checked.command);
  }

  // One channel for the whole process: every call below is a stream on its connection. With
  // --frames it goes through the wire view's relay, which prints every frame on stderr (in the
  // interactive client, through its console). Those lines, from the relay's thread, queue for a
  // writer thread of their own: a stderr nobody reads must never stall the relayed connection,
  // and so the call. The tool's own lines after a call queue behind them, in order.
  std::optional<greeter::StderrLog> frame_log;
  if (!flags.frames.empty()) frame_log.emplace("greeter-client: --frames");
  greeter::wire::FrameLineSwitch frame_lines(
      [&frame_log](const std::string& line) { frame_log->Write(line + "\n"); });
  const auto tell = [&frame_log](const std::string& text) {
    if (frame_log) {
      frame_log->Write(text);
    } else {
      std::cerr << text;
    }
  };
  std::unique_ptr<greeter::wire::WireView> wire_view;
  std::shared_ptr<grpc::Channel> channel;
  try {
    if (!flags.frames.empty()) {
      wire_view = std::make_unique<greeter::wire::WireView>(
          flags.target, greeter::RelayTls(flags), *greeter::wire::ParseFrameFormat(flags.frames),
          isatty(STDERR_FILENO) == 1,
          [&frame_lines](const std::string& line) { frame_lines.Send(line); });
    }
    greeter::KeepGrpcCallbackThreadsForTheProcess();  // before the first call
    channel = greeter::CreateGreeterChannel(flags, wire_view.get());
  } catch (const std::exception& failure) {
    return refuse(failure.what());
  }
  // The frames that reached the relay are printed before the process ends.
  const auto finish = [&](int exit_code) {
    if (wire_view) wire_view->Settle(std::chrono::seconds(1));
    if (frame_log) frame_log->Flush(std::chrono::seconds(1));
    return exit_code;
  };

  if (app.get_subcommands().empty() || *repl_command) {
    const int exit_code =
        greeter::repl::RunRepl(flags.target, channel, settings, flags.show_metadata,
                               wire_view ? &frame_lines : nullptr, wire_view.get());
    return finish(exit_code);  // an orderly end: the session has stopped every thread it began
  }

  if (*health) {
    const auto timeout = settings.deadline.value_or(std::chrono::seconds(5));
    return finish(greeter::RunHealthCheck(channel, flags.target, health_service, settings.metadata,
                                          timeout, flags.json, std::cout, std::cerr));
  }
  if (*status_command) {
    const auto timeout = settings.deadline.value_or(std::chrono::seconds(5));
    return finish(greeter::RunStatus(*channel, flags.target, flags.json, timeout, std::cout,
                                     std::cerr, wire_view.get()));
  }
  auto stub = greet::Greeter::NewStub(channel);
  greeter::ReplyPrinter printer(std::cout, flags.json);
  printer.ShowMetadata(flags.show_metadata);
  printer.ShowCallInfo(flags.call_info);
  greeter::CommandEnvironment env{*stub, settings, printer, std::cin};
  env.channel = channel;

  const grpc::Status status = greeter::RunCallCommand(env, *call_command);
  // The call's frames first, then its outcome; each line in one write, so the view's lines
  // (from the relay's thread) never cut into it.
  finish(0);
  if (!env.refused_input.empty()) {
    tell("greeter-client: " + env.refused_input + "\n");
    finish(0);
    std::cout.flush();
    std::_Exit(greeter::kUsageExitCode);
  }
  if (!status.ok()) {
    tell("greeter-client: " + greeter::StatusText(status) + "\n");
    finish(0);
  }
  if (flags.show_status) {
    greeter::PrintChannelStatus(flags.target, flags.json, std::cout, wire_view.get());
  }
  std::cout.flush();
  const int exit_code = greeter::ExitCodeFor(status);
  // chat may leave a thread blocked reading stdin: end the process without waiting for it.
  std::_Exit(exit_code);
}

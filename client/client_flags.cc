#include "client/client_flags.h"

#include <CLI/CLI.hpp>
#include <cctype>

#include "client/failure_knob.h"
#include "client/wire/wire_view.h"
#include "common/duration.h"

namespace greeter {

void AddClientFlags(CLI::App& app, ClientFlags& flags) {
  app.add_option("--target", flags.target, "Server address, host:port")->capture_default_str();
  app.add_option("--lb-policy", flags.lb_policy,
                 "How calls spread over a target of several addresses (ipv4:A:P,B:Q or a name "
                 "with several records): pick_first (gRPC's default: one at a time, the next "
                 "when it fails) or round_robin (each call to the next ready one)");
  app.add_option("--deadline", flags.deadline,
                 "Deadline for each call, e.g. 500ms, 2s (a bare number is seconds; default: "
                 "none)");
  app.add_flag("--json", flags.json, "Print each reply as one JSON object per line");
  app.add_option("--header", flags.headers,
                 "KEY=VALUE metadata sent with every call; repeatable. The server echoes "
                 "x-echo-initial-* and x-echo-trailing-* keys back");
  app.add_flag("--show-metadata", flags.show_metadata,
               "Print the server's initial and trailing metadata after each call");
  app.add_flag("--status", flags.show_status,
               "After the command, show the channel as `status` does: which connection the "
               "calls used, and the streams and messages on it");

  // A flag with an optional value: --frames alone is text, --frames=json is JSON.
  app.add_flag("--frames{text}", flags.frames,
               "Show every HTTP/2 frame of the connection on stderr as it passes, decoded "
               "(--frames=json: one JSON object per frame; --frames=mermaid: a sequence diagram)");

  const std::string tls = "TLS";
  app.add_flag("--tls", flags.tls,
               "Connect with TLS, trusting the system's CAs (or --ca); implied by --ca, --cert, "
               "--key")
      ->group(tls);
  app.add_option("--ca", flags.ca, "PEM file of the CA(s) that signed the server's certificate")
      ->group(tls);
  auto* cert =
      app.add_option("--cert", flags.cert, "PEM file of this client's certificate, for mutual TLS")
          ->group(tls);
  auto* key =
      app.add_option("--key", flags.key, "PEM file of this client's private key, for mutual TLS")
          ->group(tls);
  // One without the other cannot make a client certificate: refuse it, as the server does.
  cert->needs(key);
  key->needs(cert);
  app.add_option("--server-name", flags.server_name,
                 "Check the server's certificate for this name instead of the target's host")
      ->group(tls);

  const std::string knobs = "Test knobs (README: A target for streaming tests)";
  app.add_flag("--call-info", flags.call_info,
               "Ask for the server's view of each call: the peer it saw, whether it had seen "
               "the half-close")
      ->group(knobs);
  auto* fail = app.add_option("--fail", flags.fail,
                              "End each call on purpose with this status: CODE or CODE:MESSAGE, "
                              "e.g. NOT_FOUND:'no such greeting'")
                   ->group(knobs);
  app.add_option("--fail-after", flags.fail_after, "Replies to send before --fail (default 0)")
      ->needs(fail)  // alone it would be ignored
      ->group(knobs);
  app.add_option("--delay", flags.delay,
                 "Have the server wait this long before the first reply (e.g. 500ms, 2s; a bare "
                 "number is seconds)")
      ->group(knobs);
  app.add_option("--padding", flags.padding, "Pad every reply with this many bytes")->group(knobs);
}

namespace {

// What is wrong with --target that gRPC would not say (it wraps a port over 65535), or nothing.
std::optional<std::string> TargetProblem(const std::string& target) {
  if (target.empty()) return "--target: empty; use host:port, e.g. 127.0.0.1:50051";
  const auto colon = target.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string port = target.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;  // another form of gRPC's target syntax
  }
  if (port.size() > 5 || std::stoi(port) > 65535) {
    return "--target " + target + ": the port must be a number from 0 to 65535";
  }
  return std::nullopt;
}

}  // namespace

SettingsOrError SettingsFrom(const ClientFlags& flags) {
  SettingsOrError result;
  CallSettings& settings = result.settings;
  if (auto problem = TargetProblem(flags.target)) {
    result.error = *problem;
    return result;
  }
  if (!flags.lb_policy.empty() && flags.lb_policy != "pick_first" &&
      flags.lb_policy != "round_robin") {
    result.error = "--lb-policy " + flags.lb_policy + ": use pick_first or round_robin";
    return result;
  }
  if (flags.lb_policy == "round_robin" && !flags.frames.empty()) {
    result.error =
        "--lb-policy round_robin: does not apply with --frames (the wire view makes one "
        "connection, to the first address that answers)";
    return result;
  }
  if (!flags.deadline.empty()) {
    settings.deadline = ParseDuration(flags.deadline);
    if (!settings.deadline) {
      result.error = NotADuration("--deadline", flags.deadline);
      return result;
    }
    if (settings.deadline->count() == 0) {  // it would race the call: OK or DEADLINE_EXCEEDED
      result.error = "--deadline: must be more than 0 (leave it out: no deadline)";
      return result;
    }
  }
  for (const auto& header : flags.headers) {
    if (auto problem = HeaderProblem(header)) {
      result.error = "--header " + header + ": " + *problem;
      return result;
    }
    settings.metadata.push_back(std::move(*ParseHeader(header)));
  }
  if (!flags.frames.empty() && !wire::ParseFrameFormat(flags.frames)) {
    result.error = "--frames: text, json or mermaid, got " + flags.frames;
    return result;
  }
  settings.knobs.set_include_call_info(flags.call_info);
  if (!flags.fail.empty()) {
    auto [failure, problem] = ParseFailure(flags.fail);
    if (!problem.empty()) {
      result.error = "--fail: " + problem;
      return result;
    }
    failure.set_after_replies(flags.fail_after);
    *settings.knobs.mutable_fail() = std::move(failure);
  }
  if (!flags.delay.empty()) {
    const auto delay_ms = ParseDurationMs32(flags.delay);
    if (!delay_ms) {
      result.error = NotADuration("--delay", flags.delay);
      return result;
    }
    settings.knobs.set_first_reply_delay_ms(*delay_ms);
  }
  settings.knobs.set_reply_padding_bytes(flags.padding);
  return result;
}

}  // namespace greeter

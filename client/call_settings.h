#pragma once

#include <grpcpp/client_context.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/metadata_rules.h"
#include "greet.pb.h"

namespace greeter {

// What the user sets once and every call uses: a deadline, headers, and the test knobs that
// ride on a call's first request (fail, first_reply_delay_ms, reply_padding_bytes,
// include_call_info: see greet.proto).
struct CallSettings {
  std::optional<std::chrono::milliseconds> deadline;
  std::vector<std::pair<std::string, std::string>> metadata;
  greet::HelloRequest knobs;  // only the knob fields are set

  void ApplyTo(grpc::ClientContext& context) const {
    if (deadline) context.set_deadline(std::chrono::system_clock::now() + *deadline);
    for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  }
  // The first request of a call: name plus the knobs.
  greet::HelloRequest FirstRequest(std::string name) const {
    greet::HelloRequest request = knobs;
    request.set_name(std::move(name));
    return request;
  }
  // The first request of a chat in a room: join `room` as `name`.
  greet::HelloRequest JoinRequest(std::string name, std::string room) const {
    greet::HelloRequest request = FirstRequest(std::move(name));
    request.set_room(std::move(room));
    return request;
  }
  // A later request of a chat in a room: what to say.
  static greet::HelloRequest SayRequest(std::string text) {
    greet::HelloRequest request;
    request.set_text(std::move(text));
    return request;
  }
  // Any later request of a stream: the name, and whether to report the server's view.
  greet::HelloRequest LaterRequest(std::string name) const {
    greet::HelloRequest request;
    request.set_name(std::move(name));
    request.set_include_call_info(knobs.include_call_info());
    return request;
  }
};

// "KEY=VALUE" as a metadata entry, the key lower-cased (gRPC requires it); nothing when there
// is no '=' or no key. Used by --header and the interactive client's `set header`.
inline std::optional<std::pair<std::string, std::string>> ParseHeader(const std::string& text) {
  const size_t equals = text.find('=');
  if (equals == 0 || equals == std::string::npos) return std::nullopt;
  std::string key = text.substr(0, equals);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::pair{std::move(key), text.substr(equals + 1)};
}

// Why "KEY=VALUE" cannot be sent (gRPC would abort the process on it), or nothing: for the
// callers of ParseHeader to refuse it first, naming the rule.
inline std::optional<std::string> HeaderProblem(const std::string& text) {
  const auto entry = ParseHeader(text);
  if (!entry) return "use KEY=VALUE";
  return MetadataRuleBroken(entry->first, entry->second);
}

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

// How a call reports back, on gRPC threads. on_metadata (the server's initial and trailing
// metadata) runs just before on_done; on_done runs once, last.
struct CallHandlers {
  using MetadataHandler = std::function<void(const Metadata& initial, const Metadata& trailing)>;
  std::function<void(const greet::HelloReply&)> on_reply;
  std::function<void(const grpc::Status&)> on_done;
  MetadataHandler on_metadata = {};

  // The end of a call, from its OnDone: the server's metadata, then the status.
  void Finished(const grpc::ClientContext& context, const grpc::Status& status) const {
    if (on_metadata) {
      on_metadata(context.GetServerInitialMetadata(), context.GetServerTrailingMetadata());
    }
    if (on_done) on_done(status);
  }
};

}  // namespace greeter

#pragma once

#include <grpcpp/support/status.h>

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/call_settings.h"
#include "greet.pb.h"

namespace greeter {

// Metadata copied out of a call's context, which goes with the call.
using MetadataEntries = std::vector<std::pair<std::string, std::string>>;
MetadataEntries CopyMetadata(const Metadata& metadata);

// Where one-shot commands print replies: a line each, as text for people or as one JSON object
// for scripts (--json). Thread-safe: replies arrive on gRPC threads.
class ReplyPrinter {
 public:
  ReplyPrinter(std::ostream& out, bool json) : out_(out), json_(json) {}

  // Text: the greeting, "(N names)" for a client stream's reply, and who is there for a room's
  // welcome.
  // JSON: {"method": ..., "message": ..., "sequence": ...} always, "count" for a client stream,
  // and every other field the reply carries ("call", "room", ...).
  void Print(std::string_view method, const greet::HelloReply& reply);

  // A line of commentary (tour's headings); JSON mode leaves these out.
  void Note(std::string_view text);

  // The server's metadata, when asked for (--show-metadata): a line per entry, "initial KEY:
  // VALUE" and "trailing KEY: VALUE", or one JSON object. Nothing unless enabled.
  void PrintMetadata(const Metadata& initial, const Metadata& trailing);
  void ShowMetadata(bool show) { show_metadata_ = show; }
  // Text: a CallInfoText line under each reply that carries one (--call-info). JSON has the
  // "call" field anyway.
  void ShowCallInfo(bool show) { show_call_info_ = show; }

  // A call that failed, in JSON mode: one {"error": ...} object (ErrorJson) with the trailing
  // metadata PrintMetadata was last given, so that a script reads one format. Nothing in text
  // mode: the message goes to stderr.
  void PrintError(const grpc::Status& status);

 private:
  std::mutex mutex_;
  std::ostream& out_;
  const bool json_;
  bool show_metadata_ = false;
  bool show_call_info_ = false;
  MetadataEntries last_trailing_;  // of the call that ended last
};

// {"error":{"code":"INVALID_ARGUMENT","code_number":3,"message":"...","trailing_metadata":{...}}}
// on one line, like grpcurl's -format-error: a failure in --json output.
std::string ErrorJson(const grpc::Status& status, const MetadataEntries& trailing = {});

// The text form of a reply, as Print writes it.
std::string ReplyText(const greet::HelloReply& reply);

// The server's metadata as --show-metadata prints it: "initial KEY: VALUE" and "trailing KEY:
// VALUE" lines, binary values as \xNN escapes.
std::string MetadataText(const Metadata& initial, const Metadata& trailing);

// "  call: the server saw peer ipv4:127.0.0.1:40312, client half-closed: no" for a reply that
// carries the server's view of its call (include_call_info); "" for one that does not.
std::string CallInfoText(const greet::HelloReply& reply);

// The JSON form of a reply, on one line.
std::string ReplyJson(std::string_view method, const greet::HelloReply& reply);

// "INVALID_ARGUMENT: name: must be 1 to 256 bytes of UTF-8, got 0"
std::string StatusText(const grpc::Status& status);

// 0 for OK, else 64 + the gRPC status code (grpcurl's convention): 65 CANCELLED ... 80
// UNAUTHENTICATED.
int ExitCodeFor(const grpc::Status& status);

}  // namespace greeter

#include "client/reply_printer.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/plural.h"
#include "common/status_code_names.h"

namespace greeter {
namespace {

// A metadata value as text: binary values (keys ending -bin) as \xNN escapes where not printable.
std::string MetadataValueText(std::string_view value) {
  std::string text;
  for (const char character : value) {
    const auto c = static_cast<unsigned char>(character);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      text += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      text += escaped;
    }
  }
  return text;
}

}  // namespace

std::string ReplyText(const greet::HelloReply& reply) {
  std::string text = reply.message();
  if (reply.event() == greet::WELCOME) {
    std::string here;
    for (const auto& member : reply.members()) here += (here.empty() ? "" : ", ") + member;
    text += here.empty() ? " (nobody else is here)" : " (here: " + here + ")";
  }
  if (reply.count() > 0) {
    text += " (" + Plural(reply.count(), "name") + ")";
  }
  return text;
}

std::string ReplyJson(std::string_view method, const greet::HelloReply& reply) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;  // the .proto's names: client_half_closed
  std::string reply_json;
  google::protobuf::util::MessageToJsonString(reply, &reply_json, options);
  // Keys a script can count on, then whatever else the reply carries.
  nlohmann::ordered_json line = {
      {"method", method}, {"message", reply.message()}, {"sequence", reply.sequence()}};
  if (method == "SayHelloClientStream") line["count"] = reply.count();
  const auto fields = nlohmann::ordered_json::parse(reply_json);  // named: items() refers to it
  for (const auto& [key, value] : fields.items()) {
    if (!line.contains(key)) line[key] = value;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void ReplyPrinter::Print(std::string_view method, const greet::HelloReply& reply) {
  std::string line = json_ ? ReplyJson(method, reply) : ReplyText(reply);
  if (!json_ && show_call_info_ && reply.has_call()) line += "\n" + CallInfoText(reply);
  std::lock_guard lock(mutex_);
  out_ << line << '\n' << std::flush;  // a reply shows as soon as it arrives
}

void ReplyPrinter::Note(std::string_view text) {
  if (json_) return;
  std::lock_guard lock(mutex_);
  out_ << text << '\n' << std::flush;
}

MetadataEntries CopyMetadata(const Metadata& metadata) {
  MetadataEntries entries;
  for (const auto& [key, value] : metadata) {
    entries.emplace_back(std::string(key.data(), key.size()),
                         std::string(value.data(), value.size()));
  }
  return entries;
}

std::string ErrorJson(const grpc::Status& status, const MetadataEntries& trailing) {
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  for (const auto& [key, value] : trailing) metadata[key] = MetadataValueText(value);
  const nlohmann::ordered_json line = {{"error",
                                        {{"code", StatusCodeName(status.error_code())},
                                         {"code_number", static_cast<int>(status.error_code())},
                                         {"message", status.error_message()},
                                         {"trailing_metadata", metadata}}}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void ReplyPrinter::PrintError(const grpc::Status& status) {
  if (!json_) return;
  std::lock_guard lock(mutex_);
  out_ << ErrorJson(status, last_trailing_) << '\n' << std::flush;
  last_trailing_.clear();
}

void ReplyPrinter::PrintMetadata(const Metadata& initial, const Metadata& trailing) {
  {
    std::lock_guard lock(mutex_);
    last_trailing_ = CopyMetadata(trailing);  // for PrintError, which may follow
  }
  if (!show_metadata_) return;
  std::string lines;
  if (json_) {
    nlohmann::ordered_json line = {{"initial_metadata", nlohmann::ordered_json::object()},
                                   {"trailing_metadata", nlohmann::ordered_json::object()}};
    for (const auto& [key, value] : initial) {
      line["initial_metadata"][std::string(key.data(), key.size())] =
          MetadataValueText({value.data(), value.size()});
    }
    for (const auto& [key, value] : trailing) {
      line["trailing_metadata"][std::string(key.data(), key.size())] =
          MetadataValueText({value.data(), value.size()});
    }
    lines = line.dump() + "\n";
  } else {
    lines = MetadataText(initial, trailing);
  }
  std::lock_guard lock(mutex_);
  out_ << lines << std::flush;
}

std::string MetadataText(const Metadata& initial, const Metadata& trailing) {
  std::string lines;
  for (const auto& [label, metadata] : {std::pair{"initial", &initial}, {"trailing", &trailing}}) {
    for (const auto& [key, value] : *metadata) {
      lines += std::string(label) + " " + std::string(key.data(), key.size()) + ": " +
               MetadataValueText({value.data(), value.size()}) + "\n";
    }
  }
  return lines;
}

std::string CallInfoText(const greet::HelloReply& reply) {
  if (!reply.has_call()) return "";
  return "  call: the server saw peer " + reply.call().peer() +
         ", client half-closed: " + (reply.call().client_half_closed() ? "yes" : "no");
}

std::string StatusText(const grpc::Status& status) {
  std::string text(StatusCodeName(status.error_code()));
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}

int ExitCodeFor(const grpc::Status& status) {
  return status.ok() ? 0 : 64 + static_cast<int>(status.error_code());
}

}  // namespace greeter

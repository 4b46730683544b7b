#include "common/channelz_json.h"

#include <absl/strings/escaping.h>
#include <arpa/inet.h>
#include <grpc/support/alloc.h>

#include <algorithm>
#include <charconv>
#include <memory>

namespace greeter::channelz {

// gRPC's channelz C API hands out JSON strings (channelz.proto's JSON mapping) that the caller
// frees; nothing for an id that does not exist (a socket closed since it was listed).
Json Parsed(char* text) {
  std::unique_ptr<char, decltype(&gpr_free)> owned(text, &gpr_free);
  if (owned == nullptr) return Json();
  return Json::parse(owned.get(), nullptr, /*allow_exceptions=*/false);
}

Json Call(char* (*query)(intptr_t), int64_t id) { return Parsed(query(static_cast<intptr_t>(id))); }

std::optional<Json> Entity(char* (*query)(intptr_t), int64_t id, const char* key) {
  Json reply = Call(query, id);
  if (!reply.is_object() || !reply.contains(key)) return std::nullopt;
  return std::move(reply[key]);
}

void ForEachListed(const std::function<Json(int64_t start)>& page_from, const char* key,
                   const std::function<int64_t(const Json& entry)>& id_of,
                   const std::function<void(const Json& entry)>& visit) {
  for (int64_t start = 0;;) {
    const Json page = page_from(start);
    const Json& entries = ArrayField(page, key);
    const int64_t page_start = start;
    for (const Json& entry : entries) {
      start = std::max(start, id_of(entry) + 1);
      visit(entry);
    }
    // A page that moves nothing on would be asked for again for ever.
    const bool last_page = !page.is_object() || page.value("end", false);
    if (last_page || entries.empty() || start == page_start) return;
  }
}

// Field readers that never throw: channelz leaves out fields that are zero or unset, and the
// status command must not end the REPL over a reply it did not expect.
const Json& ObjectField(const Json& object, const char* key) {
  static const Json kEmpty = Json::object();
  if (!object.is_object()) return kEmpty;
  const auto found = object.find(key);
  return found != object.end() && found->is_object() ? *found : kEmpty;
}

const Json& ArrayField(const Json& object, const char* key) {
  static const Json kEmpty = Json::array();
  if (!object.is_object()) return kEmpty;
  const auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

// Proto3 JSON writes 64-bit integers as strings.
int64_t IntField(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto found = object.find(key);
  if (found == object.end()) return 0;
  if (found->is_number_integer()) return found->get<int64_t>();
  if (!found->is_string()) return 0;
  const auto& text = found->get_ref<const std::string&>();
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

uint64_t CountField(const Json& object, const char* key) {
  return static_cast<uint64_t>(std::max<int64_t>(0, IntField(object, key)));
}

std::string StringField(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// A google.protobuf.Int64Value: {"value": "65535"}, or absent when not reported.
std::optional<int64_t> OptionalIntField(const Json& data, const char* key) {
  if (!data.is_object() || !data.contains(key)) return std::nullopt;
  return IntField(ObjectField(data, key), "value");
}

// channelz's Address: {"tcpip_address": {"ip_address": base64 bytes, "port": N}}.
std::string AddressText(const Json& address) {
  if (address.contains("tcpip_address")) {
    const Json& tcp = ObjectField(address, "tcpip_address");
    std::string bytes;
    absl::Base64Unescape(StringField(tcp, "ip_address"), &bytes);
    char text[INET6_ADDRSTRLEN] = {};
    const std::string port = std::to_string(IntField(tcp, "port"));
    if (bytes.size() == 4 && inet_ntop(AF_INET, bytes.data(), text, sizeof text)) {
      return std::string(text) + ":" + port;
    }
    if (bytes.size() == 16 && inet_ntop(AF_INET6, bytes.data(), text, sizeof text)) {
      return "[" + std::string(text) + "]:" + port;
    }
    return ":" + port;
  }
  if (address.contains("uds_address")) {
    return "unix:" + StringField(ObjectField(address, "uds_address"), "filename");
  }
  return StringField(ObjectField(address, "other_address"), "name");
}

}  // namespace greeter::channelz

#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace greeter::channelz {

using Json = nlohmann::json;

// gRPC's channelz C API hands out JSON strings (channelz.proto's JSON mapping) that the caller
// frees; nothing for an id that does not exist (a socket closed since it was listed).
Json Call(char* (*query)(intptr_t), int64_t id);
// A JSON string gRPC handed out, parsed and freed; nothing for none.
Json Parsed(char* text);
// The object `key` of the reply to query(id) ({"socket": {...}}); nothing when there is none.
std::optional<Json> Entity(char* (*query)(intptr_t), int64_t id, const char* key);

// Lists come in pages (100 entries each) from `page_from(start id)`; only the last says
// "end": true. Calls `visit` with every entry of the array `key` of every page, in id order.
void ForEachListed(const std::function<Json(int64_t start)>& page_from, const char* key,
                   const std::function<int64_t(const Json& entry)>& id_of,
                   const std::function<void(const Json& entry)>& visit);

// Field readers that never throw: channelz leaves out fields that are zero or unset, and a
// reader must not end the process over a reply it did not expect.
const Json& ObjectField(const Json& object, const char* key);
const Json& ArrayField(const Json& object, const char* key);
// Proto3 JSON writes 64-bit integers as strings.
int64_t IntField(const Json& object, const char* key);
uint64_t CountField(const Json& object, const char* key);
std::string StringField(const Json& object, const char* key);
// A google.protobuf.Int64Value: {"value": "65535"}, or absent when not reported.
std::optional<int64_t> OptionalIntField(const Json& data, const char* key);
// channelz's Address as text: "127.0.0.1:41234", "[::1]:41234", "unix:PATH".
std::string AddressText(const Json& address);

}  // namespace greeter::channelz

#include "common/metadata_rules.h"

namespace greeter {
namespace {

bool IsLegalKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool IsPrintableAscii(char c) { return c >= 0x20 && c <= 0x7e; }

}  // namespace

std::optional<std::string> MetadataRuleBroken(std::string_view key, std::string_view value) {
  if (key.empty()) return "a metadata key must not be empty";
  if (key.front() == ':') return "pseudo-headers (keys starting with ':') are gRPC's own";
  for (const char c : key) {
    if (!IsLegalKeyCharacter(c)) {
      return "a metadata key may hold only lower-case letters, digits, '-', '_' and '.'";
    }
  }
  if (key.ends_with("-bin")) return std::nullopt;
  for (const char c : value) {
    if (!IsPrintableAscii(c)) {
      return "a metadata value must be printable ASCII (0x20 to 0x7E) unless its key ends in "
             "-bin";
    }
  }
  return std::nullopt;
}

}  // namespace greeter

#include "common/plural.h"

namespace greeter {

std::string Plural(uint64_t count, std::string_view noun, std::string_view plural) {
  std::string text = std::to_string(count) + " ";
  if (count == 1) return text.append(noun);
  if (plural.empty()) return text.append(noun).append("s");
  return text.append(plural);
}

}  // namespace greeter

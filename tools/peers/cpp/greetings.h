#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace greeter::reference {

// The replies of greet.proto, as greeter-server words them.
inline std::string GreetOne(std::string_view name) {
  std::string greeting = "Hello ";
  greeting += name;
  return greeting;
}

inline std::string GreetInStream(std::string_view name, uint32_t sequence, uint32_t count) {
  return GreetOne(name) + " (" + std::to_string(sequence) + " of " + std::to_string(count) + ")";
}

inline std::string GreetAll(const std::vector<std::string>& names) {
  if (names.empty()) return "Hello nobody";
  std::string greeting = "Hello ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) greeting += i + 1 == names.size() ? " and " : ", ";
    greeting += names[i];
  }
  return greeting;
}

}  // namespace greeter::reference

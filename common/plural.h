#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace greeter {

// "1 frame", "3 frames"; "1 reply", "2 replies" when the plural is not the noun and an s.
std::string Plural(uint64_t count, std::string_view noun, std::string_view plural = {});

}  // namespace greeter

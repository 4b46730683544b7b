#pragma once

#include <string>
#include <string_view>

namespace greeter {

// "  label       value\n": a row of what `status` prints, values lined up in one column (a
// longer label pushes its value right rather than being cut).
std::string StatusRow(std::string_view label, std::string_view value);

}  // namespace greeter

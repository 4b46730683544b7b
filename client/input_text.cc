#include "client/input_text.h"

#include <algorithm>

#include "common/utf8.h"

namespace greeter {

bool ReadInputLine(std::istream& input, std::string& line) {
  if (!std::getline(input, line)) return false;
  DropCarriageReturn(line);
  return true;
}

void DropCarriageReturn(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  });
}

std::optional<std::string> NameProblem(std::string_view field, std::string_view name) {
  if (auto problem = Utf8Problem(field, name)) return problem;
  if (name.empty() || !IsBlank(name)) return std::nullopt;
  return std::string(field) + ": only white space (a name needs a letter or sign)";
}

}  // namespace greeter

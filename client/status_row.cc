#include "client/status_row.h"

namespace greeter {

std::string StatusRow(std::string_view label, std::string_view value) {
  constexpr size_t kValueColumn = 14;
  std::string row = "  ";
  row += label;
  row += ' ';
  if (row.size() < kValueColumn) row.resize(kValueColumn, ' ');
  row += value;
  row += "\n";
  return row;
}

}  // namespace greeter

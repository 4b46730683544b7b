#include "client/repl/utf8_locale.h"

#include <clocale>
#include <string_view>

namespace greeter::repl {

void UseUtf8CharacterLocale() {
  const char* chosen = std::setlocale(LC_CTYPE, "");
  const std::string_view name = chosen ? chosen : "C";
  if (name == "C" || name == "POSIX") std::setlocale(LC_CTYPE, "C.UTF-8");
}

}  // namespace greeter::repl

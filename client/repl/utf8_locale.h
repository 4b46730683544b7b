#pragma once

namespace greeter::repl {

// Sets the character locale (LC_CTYPE) from the environment, so that libedit reads and edits
// multibyte characters; where the environment names none, or only C/POSIX (a fresh server, a
// container, a test's terminal), uses C.UTF-8, since terminals today send UTF-8. Call before
// libedit starts. Only LC_CTYPE: numbers and messages keep the C locale's format.
void UseUtf8CharacterLocale();

}  // namespace greeter::repl

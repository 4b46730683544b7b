#pragma once

#include <string>
#include <string_view>

#include "greet.pb.h"

namespace greeter {

// The failure a call is asked to end with (the `fail` knob), as typed: "CODE" or
// "CODE:MESSAGE", the code by name or number. `error` says what is wrong with the text, for the
// caller to put after the flag or command it came from ("--fail: ", "set fail: ").
struct FailureOrError {
  greet::Failure failure;
  std::string error;
};
FailureOrError ParseFailure(std::string_view text);

// "NOT_FOUND: no such greeting, after 2 replies", for the REPL's messages and status.
std::string FailureText(const greet::Failure& failure);

}  // namespace greeter

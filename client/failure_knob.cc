#include "client/failure_knob.h"

#include "common/plural.h"
#include "common/status_code_names.h"
#include "common/utf8.h"

namespace greeter {

FailureOrError ParseFailure(std::string_view text) {
  FailureOrError result;
  const size_t colon = text.find(':');
  const std::string_view code_text = text.substr(0, colon);
  const auto code = ParseStatusCode(code_text);
  if (!code || *code == grpc::StatusCode::OK) {
    result.error = "not a failing gRPC status code: " + std::string(code_text);
    return result;
  }
  result.failure.set_code(static_cast<int32_t>(*code));
  if (colon != std::string_view::npos) {
    const std::string_view message = text.substr(colon + 1);
    if (auto problem = Utf8Problem("MESSAGE", message)) {
      result.error = *problem;
      return result;
    }
    result.failure.set_message(std::string(message));
  }
  return result;
}

std::string FailureText(const greet::Failure& failure) {
  std::string text(StatusCodeName(static_cast<grpc::StatusCode>(failure.code())));
  if (!failure.message().empty()) text += ": " + failure.message();
  const uint32_t after = failure.after_replies();
  return text + ", after " + Plural(after, "reply", "replies");
}

}  // namespace greeter

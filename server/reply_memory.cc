#include "server/reply_memory.h"

#include <string>

namespace greeter {

grpc::Status ReplyMemory::Refusal() const {
  return {grpc::StatusCode::RESOURCE_EXHAUSTED,
          "replies waiting for clients that read slowly fill the server's reply memory (" +
              std::to_string(budget_) + " bytes, --max-reply-memory); try again later"};
}

}  // namespace greeter

#include "server/call_knobs.h"

#include <string>

#include "common/metadata_rules.h"

namespace greeter {
namespace {

grpc::Status Invalid(const std::string& message) {
  return {grpc::StatusCode::INVALID_ARGUMENT, message};
}

}  // namespace

std::variant<CallKnobs, grpc::Status> CallKnobs::From(const greet::HelloRequest& request,
                                                      const ServerLimits& limits,
                                                      std::optional<uint32_t> most_replies) {
  CallKnobs knobs;
  if (request.has_fail()) {
    const auto& fail = request.fail();
    if (fail.code() < 1 || fail.code() > 16) {
      return Invalid("fail.code: must be a gRPC status code from 1 to 16, got " +
                     std::to_string(fail.code()));
    }
    if (most_replies && fail.after_replies() > *most_replies) {
      // A unary or client-stream call's one reply comes with its end: it cannot fail after it.
      return Invalid(*most_replies == 0
                         ? "fail.after_replies: must be 0 for this call, whose one reply comes "
                           "with its end (it cannot fail after it), got " +
                               std::to_string(fail.after_replies())
                         : "fail.after_replies: this call sends at most " +
                               std::to_string(*most_replies) + " replies, got " +
                               std::to_string(fail.after_replies()));
    }
    knobs.failure = grpc::Status(static_cast<grpc::StatusCode>(fail.code()), fail.message());
    knobs.fail_after_replies = fail.after_replies();
  }
  if (request.first_reply_delay_ms() > limits.max_interval_ms) {
    return Invalid("first_reply_delay_ms: must be at most " +
                   std::to_string(limits.max_interval_ms) + ", got " +
                   std::to_string(request.first_reply_delay_ms()));
  }
  knobs.first_reply_delay = std::chrono::milliseconds(request.first_reply_delay_ms());
  if (request.reply_padding_bytes() > limits.max_padding_bytes) {
    return Invalid("reply_padding_bytes: must be at most " +
                   std::to_string(limits.max_padding_bytes) + ", got " +
                   std::to_string(request.reply_padding_bytes()));
  }
  knobs.reply_padding_bytes = request.reply_padding_bytes();
  return knobs;
}

void CallKnobs::Shape(greet::HelloReply& reply) const {
  if (reply_padding_bytes > 0) reply.set_padding(std::string(reply_padding_bytes, 'x'));
}

std::optional<grpc::Status> CallKnobs::FailureDue(uint32_t replies_sent) const {
  if (failure && replies_sent >= fail_after_replies) return failure;
  return std::nullopt;
}

std::optional<grpc::Status> CallKnobs::FailureNeverDue(uint32_t replies_sent) const {
  if (!failure || replies_sent >= fail_after_replies) return std::nullopt;
  return Invalid("fail.after_replies: the client half-closed after " +
                 std::to_string(replies_sent) + " replies, before the " +
                 std::to_string(fail_after_replies) + " asked for");
}

grpc::Status EchoRequestedMetadata(grpc::CallbackServerContext& context) {
  static constexpr std::string_view kInitial = "x-echo-initial-";
  static constexpr std::string_view kTrailing = "x-echo-trailing-";
  const auto& metadata = context.client_metadata();
  bool any = false;
  for (const auto& [key, value] : metadata) {
    const std::string_view name(key.data(), key.size());
    if (!name.starts_with(kInitial) && !name.starts_with(kTrailing)) continue;
    if (auto rule = MetadataRuleBroken(name, std::string_view(value.data(), value.size()))) {
      return Invalid("metadata " + std::string(name) + ": cannot be echoed: " + *rule);
    }
    any = true;
  }
  if (!any) return grpc::Status::OK;
  for (const auto& [key, value] : metadata) {
    const std::string_view name(key.data(), key.size());
    if (name.starts_with(kInitial)) {
      context.AddInitialMetadata(std::string(name), std::string(value.data(), value.size()));
    } else if (name.starts_with(kTrailing)) {
      context.AddTrailingMetadata(std::string(name), std::string(value.data(), value.size()));
    }
  }
  return grpc::Status::OK;
}

}  // namespace greeter

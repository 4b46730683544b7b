#include "client/room_members.h"

#include <algorithm>
#include <utility>

namespace greeter {

std::optional<std::string> RoomMembers::Ask() {
  if (welcomed_) return Text();
  ++asked_before_welcome_;
  return std::nullopt;
}

std::vector<std::string> RoomMembers::Apply(const greet::HelloReply& reply) {
  switch (reply.event()) {
    case greet::WELCOME:
      others_.assign(reply.members().begin(), reply.members().end());
      welcomed_ = true;
      break;
    case greet::JOINED:
      Remove(reply.sender());  // never listed twice
      others_.push_back(reply.sender());
      break;
    case greet::LEFT:
      if (reply.members().empty()) {
        Remove(reply.sender());
      } else {
        for (const auto& member : reply.members()) Remove(member);
      }
      break;
    default:
      break;
  }
  std::vector<std::string> answers;  // none, for most events: no list is built for them
  if (welcomed_ && asked_before_welcome_ > 0) {
    answers.assign(std::exchange(asked_before_welcome_, 0), Text());
  }
  return answers;
}

void RoomMembers::Remove(const std::string& name) { std::erase(others_, name); }

std::string RoomMembers::Text() const {
  std::string text = "here in " + room_ + ": you (" + you_ + ")";
  for (const auto& member : others_) text += ", " + member;
  return text;
}

}  // namespace greeter

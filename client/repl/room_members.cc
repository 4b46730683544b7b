#include "client/repl/room_members.h"

#include <algorithm>

namespace greeter::repl {

void RoomMembers::Apply(const greet::HelloReply& reply) {
  switch (reply.event()) {
    case greet::WELCOME:
      others_.assign(reply.members().begin(), reply.members().end());
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
}

void RoomMembers::Remove(const std::string& name) { std::erase(others_, name); }

std::string RoomMembers::Text(const std::string& room, const std::string& you) const {
  std::string text = "here in " + room + ": you (" + you + ")";
  for (const auto& member : others_) text += ", " + member;
  return text;
}

}  // namespace greeter::repl

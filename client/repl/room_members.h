#pragma once

#include <string>
#include <vector>

#include "greet.pb.h"

namespace greeter::repl {

// Who is in the room a chat has joined, as its events tell: WELCOME's `members` (who was
// there), each JOINED's `sender`, and each LEFT's `members` (one LEFT for everyone one event cut
// off), or its `sender` when `members` is empty. In the order they came.
class RoomMembers {
 public:
  void Apply(const greet::HelloReply& reply);
  // "here in lobby: you (Ada), Alice, Bob", for /who.
  std::string Text(const std::string& room, const std::string& you) const;

 private:
  void Remove(const std::string& name);
  std::vector<std::string> others_;
};

}  // namespace greeter::repl

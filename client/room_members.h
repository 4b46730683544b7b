#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greet.pb.h"

namespace greeter {

// The lines a chat takes as its own commands rather than as text, in the REPL and one-shot.
inline constexpr std::string_view kLeaveChat = "/leave";  // half-close, as Ctrl-D
inline constexpr std::string_view kWhoIsHere = "/who";    // in a room: who is there

// Who is in the room a chat has joined, as its events tell: WELCOME's `members` (who was
// there), each JOINED's `sender`, and each LEFT's `members` (one LEFT for everyone one event cut
// off), or its `sender` when `members` is empty. In the order they came. Not thread-safe.
class RoomMembers {
 public:
  RoomMembers(std::string room, std::string you) : room_(std::move(room)), you_(std::move(you)) {}

  // /who: "here in lobby: you (Ada), Alice, Bob" now, once the welcome has said who is there;
  // before it, nothing, and the welcome's Apply gives the answer (a script's /who right after
  // its chat line waits for the room, not for a list still empty).
  std::optional<std::string> Ask();
  // Follows one event; when it is the welcome, returns the answers to the /who asked before it.
  std::vector<std::string> Apply(const greet::HelloReply& reply);
  // The room was lost and is being rejoined: /who waits for the next welcome.
  void Lost() { welcomed_ = false; }

 private:
  std::string Text() const;
  void Remove(const std::string& name);

  std::string room_, you_;
  std::vector<std::string> others_;
  bool welcomed_ = false;
  size_t asked_before_welcome_ = 0;
};

}  // namespace greeter

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "greet.pb.h"

namespace greeter {

// The words of a room's events, the same whichever engine orders them: every instance of a
// room shared through Redis builds the same reply from the same event.

// MESSAGE: "Ann: hello", with the text itself in HelloReply.text.
greet::HelloReply RoomText(const std::string& room, const std::string& sender,
                           const std::string& text);

// Why members left, as their LEFT event says it.
enum class LeaveReason { kLeft, kCutOff, kServerGone };

// JOINED or LEFT for several members at once: "Ann, Bob and 18 others joined"; `members`
// lists all of them.
greet::HelloReply RoomJoined(const std::string& room, const std::vector<std::string>& names);
greet::HelloReply RoomLeft(const std::string& room, const std::vector<std::string>& names,
                           LeaveReason reason);

// WELCOME to `name`, listing `present` (the others in the room).
greet::HelloReply RoomWelcome(const std::string& room, const std::string& name, bool resumed,
                              const std::vector<std::string>& present);

// A room epoch: random and never 0, so a room begun again is told apart from the one a member
// resumes from.
uint64_t NewRoomEpoch();

}  // namespace greeter

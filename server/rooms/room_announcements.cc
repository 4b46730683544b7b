#include "server/rooms/room_announcements.h"

#include <mutex>
#include <random>

namespace greeter {
namespace {

greet::HelloReply Event(greet::RoomEvent kind, const std::string& room, const std::string& sender,
                        std::string message) {
  greet::HelloReply event;
  event.set_event(kind);
  event.set_room(room);
  event.set_sender(sender);
  event.set_message(std::move(message));
  return event;
}

// "Ann", "Ann and Bob", "Ann, Bob and 18 others".
std::string Who(const std::vector<std::string>& names) {
  std::string who = names[0];
  if (names.size() == 2) who += " and " + names[1];
  if (names.size() > 2) {
    who += ", " + names[1] + " and " + std::to_string(names.size() - 2) + " others";
  }
  return who;
}

greet::HelloReply PresenceEvent(greet::RoomEvent kind, const std::string& room,
                                const std::vector<std::string>& names, const std::string& what) {
  auto event = Event(kind, room, names.empty() ? "" : names[0],
                     names.empty() ? what : Who(names) + " " + what);
  for (const auto& name : names) event.add_members(name);
  return event;
}

}  // namespace

greet::HelloReply RoomText(const std::string& room, const std::string& sender,
                           const std::string& text) {
  auto event = Event(greet::MESSAGE, room, sender, sender + ": " + text);
  event.set_text(text);
  return event;
}

greet::HelloReply RoomJoined(const std::string& room, const std::vector<std::string>& names) {
  return PresenceEvent(greet::JOINED, room, names, "joined");
}

greet::HelloReply RoomLeft(const std::string& room, const std::vector<std::string>& names,
                           LeaveReason reason) {
  switch (reason) {
    case LeaveReason::kCutOff:
      return PresenceEvent(greet::LEFT, room, names, "left (reading too slowly)");
    case LeaveReason::kServerGone:
      return PresenceEvent(greet::LEFT, room, names, "left (their server stopped answering)");
    case LeaveReason::kLeft:
      break;
  }
  return PresenceEvent(greet::LEFT, room, names, "left");
}

greet::HelloReply RoomWelcome(const std::string& room, const std::string& name, bool resumed,
                              const std::vector<std::string>& present) {
  auto welcome =
      Event(greet::WELCOME, room, name,
            (resumed ? "Hello " + name + ", welcome back to " : "Hello " + name + ", welcome to ") +
                room);
  for (const auto& other : present) welcome.add_members(other);
  return welcome;
}

uint64_t NewRoomEpoch() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  uint64_t epoch = 0;
  while (epoch == 0) epoch = generator();
  return epoch;
}

}  // namespace greeter

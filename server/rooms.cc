#include "server/rooms.h"

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

// "Ann left", "Ann and Bob left", "Ann, Bob and 18 others left", with why when they were cut off.
greet::HelloReply LeftEvent(const std::string& room, const std::vector<std::string>& names,
                            bool cut_off) {
  std::string who = names[0];
  if (names.size() == 2) who += " and " + names[1];
  if (names.size() > 2) {
    who += ", " + names[1] + " and " + std::to_string(names.size() - 2) + " others";
  }
  auto event =
      Event(greet::LEFT, room, names[0], who + " left" + (cut_off ? " (reading too slowly)" : ""));
  for (const auto& name : names) event.add_members(name);
  return event;
}

}  // namespace

class Rooms::Room {
 public:
  explicit Room(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // Queues `event` with the room's next number to every member. The members it cuts off
  // leave, announced together in one LEFT event; that may cut off more, and so on until it
  // cuts off none. Mutex held.
  void Publish(greet::HelloReply event, Touched& touched) {
    while (true) {
      event.set_room_sequence(++last_sequence);
      const auto shared = std::make_shared<const RoomEvent>(std::move(event));
      std::vector<std::string> cut_off;
      for (const auto& [name, member] : members) {
        if (!member->Enqueue(shared)) cut_off.push_back(name);
        touched.push_back(member);
      }
      if (cut_off.empty()) return;
      for (const auto& name : cut_off) members.erase(name);
      if (members.empty()) return;
      event = LeftEvent(name_, cut_off, true);
    }
  }

  std::mutex mutex;
  std::map<std::string, std::shared_ptr<RoomMember>> members;  // by name
  uint32_t last_sequence = 0;
  bool removed = false;  // from Rooms::rooms_: a member still holding it talks to nobody

 private:
  const std::string name_;
};

grpc::Status Rooms::Join(const std::string& room_name, const std::string& name,
                         std::shared_ptr<RoomMember> member, Handle& joined) {
  Touched touched;
  {
    std::lock_guard rooms_lock(mutex_);
    if (closed_) return {grpc::StatusCode::UNAVAILABLE, "the server is shutting down"};
    auto found = rooms_.find(room_name);
    if (found == rooms_.end()) {
      if (rooms_.size() >= limits_.max_rooms) {
        return {
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            "room: the server has its limit of " + std::to_string(limits_.max_rooms) + " rooms"};
      }
      found = rooms_.emplace(room_name, std::make_shared<Room>(room_name)).first;
    }
    Room& room = *found->second;
    std::lock_guard room_lock(room.mutex);
    if (room.members.contains(name)) {
      return {grpc::StatusCode::ALREADY_EXISTS,
              "name: " + name + " is already in room " + room_name};
    }
    if (room.members.size() >= limits_.max_room_members) {
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, "room: " + room_name + " has its limit of " +
                                                        std::to_string(limits_.max_room_members) +
                                                        " members"};
    }
    auto welcome =
        Event(greet::WELCOME, room_name, name, "Hello " + name + ", welcome to " + room_name);
    for (const auto& [present, ignored] : room.members) welcome.add_members(present);
    room.Publish(Event(greet::JOINED, room_name, name, name + " joined"), touched);
    welcome.set_room_sequence(room.last_sequence);  // the join's own number
    room.members.emplace(name, member);
    member->Enqueue(std::make_shared<const RoomEvent>(std::move(welcome)));  // an empty queue
    touched.push_back(std::move(member));
    joined = found->second;
  }
  FlushAll(touched);
  return grpc::Status::OK;
}

void Rooms::Say(const Handle& room, const std::string& name, const std::string& text) {
  if (!room) return;
  Touched touched;
  bool now_empty = false;
  {
    std::lock_guard lock(room->mutex);
    if (room->removed) return;  // closed meanwhile
    auto event = Event(greet::MESSAGE, room->name(), name, name + ": " + text);
    event.set_text(text);
    room->Publish(std::move(event), touched);
    now_empty = room->members.empty();  // every member cut off, the sender too
  }
  FlushAll(touched);
  if (now_empty) RemoveIfEmpty(room);
}

void Rooms::Leave(const Handle& room, const std::string& name, const RoomMember* member) {
  if (!room) return;
  Touched touched;
  bool now_empty = false;
  {
    std::lock_guard lock(room->mutex);
    auto found = room->members.find(name);
    if (found == room->members.end() || found->second.get() != member) return;
    room->members.erase(found);
    now_empty = room->members.empty();
    if (!now_empty) room->Publish(LeftEvent(room->name(), {name}, false), touched);
  }
  FlushAll(touched);
  if (now_empty) RemoveIfEmpty(room);
}

void Rooms::RemoveIfEmpty(const Handle& room) {
  std::lock_guard rooms_lock(mutex_);
  std::lock_guard room_lock(room->mutex);
  if (!room->members.empty() || room->removed) return;  // joined again meanwhile, or closed
  room->removed = true;
  rooms_.erase(room->name());
}

void Rooms::CloseAll(const grpc::Status& status) {
  Touched touched;
  {
    std::lock_guard rooms_lock(mutex_);
    closed_ = true;
    for (auto& [room_name, room] : rooms_) {
      std::lock_guard room_lock(room->mutex);
      for (auto& [name, member] : room->members) {
        member->Close(status);
        touched.push_back(std::move(member));
      }
      room->members.clear();
      room->removed = true;
    }
    rooms_.clear();
  }
  FlushAll(touched);
}

void Rooms::FlushAll(const Touched& touched) {
  for (const auto& member : touched) member->Flush();
}

}  // namespace greeter

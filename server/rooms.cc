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

}  // namespace

grpc::Status Rooms::Join(const std::string& room_name, const std::string& name,
                         std::shared_ptr<RoomMember> member) {
  Touched touched;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return {grpc::StatusCode::UNAVAILABLE, "the server is shutting down"};
    auto found = rooms_.find(room_name);
    if (found == rooms_.end() && rooms_.size() >= limits_.max_rooms) {
      return {grpc::StatusCode::RESOURCE_EXHAUSTED,
              "room: the server has its limit of " + std::to_string(limits_.max_rooms) + " rooms"};
    }
    if (found != rooms_.end()) {
      if (found->second.members.contains(name)) {
        return {grpc::StatusCode::ALREADY_EXISTS,
                "name: " + name + " is already in room " + room_name};
      }
      if (found->second.members.size() >= limits_.max_room_members) {
        return {grpc::StatusCode::RESOURCE_EXHAUSTED, "room: " + room_name + " has its limit of " +
                                                          std::to_string(limits_.max_room_members) +
                                                          " members"};
      }
    }
    Room& room = rooms_[room_name];
    auto welcome =
        Event(greet::WELCOME, room_name, name, "Hello " + name + ", welcome to " + room_name);
    for (const auto& [present, ignored] : room.members) welcome.add_members(present);
    Broadcast(room_name, Event(greet::JOINED, room_name, name, name + " joined"), touched);
    welcome.set_room_sequence(room.last_sequence);  // the join's own number
    room.members.emplace(name, member);
    member->Enqueue(welcome);  // an empty queue: always fits
    touched.push_back(std::move(member));
  }
  FlushAll(touched);
  return grpc::Status::OK;
}

void Rooms::Say(const std::string& room_name, const std::string& name, const std::string& text) {
  Touched touched;
  {
    std::lock_guard lock(mutex_);
    if (!rooms_.contains(room_name)) return;  // closed meanwhile
    auto event = Event(greet::MESSAGE, room_name, name, name + ": " + text);
    event.set_text(text);
    Broadcast(room_name, std::move(event), touched);
  }
  FlushAll(touched);
}

void Rooms::Leave(const std::string& room_name, const std::string& name, const RoomMember* member) {
  Touched touched;
  {
    std::lock_guard lock(mutex_);
    auto room = rooms_.find(room_name);
    if (room == rooms_.end()) return;
    auto found = room->second.members.find(name);
    if (found == room->second.members.end() || found->second.get() != member) return;
    RemoveMember(room_name, name, touched);
  }
  FlushAll(touched);
}

void Rooms::CloseAll(const grpc::Status& status) {
  Touched touched;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [room_name, room] : rooms_) {
      for (auto& [name, member] : room.members) {
        member->Close(status);
        touched.push_back(std::move(member));
      }
    }
    rooms_.clear();
  }
  FlushAll(touched);
}

void Rooms::Broadcast(const std::string& room_name, greet::HelloReply event, Touched& touched) {
  auto room = rooms_.find(room_name);
  if (room == rooms_.end()) return;
  event.set_room_sequence(++room->second.last_sequence);
  std::vector<std::string> cut_off;
  for (const auto& [name, member] : room->second.members) {
    if (!member->Enqueue(event)) cut_off.push_back(name);
    touched.push_back(member);
  }
  for (const auto& name : cut_off) RemoveMember(room_name, name, touched);
}

void Rooms::RemoveMember(const std::string& room_name, const std::string& name, Touched& touched) {
  auto room = rooms_.find(room_name);
  if (room == rooms_.end() || room->second.members.erase(name) == 0) return;
  if (room->second.members.empty()) {
    rooms_.erase(room);
    return;
  }
  Broadcast(room_name, Event(greet::LEFT, room_name, name, name + " left"), touched);
}

void Rooms::FlushAll(const Touched& touched) {
  for (const auto& member : touched) member->Flush();
}

}  // namespace greeter

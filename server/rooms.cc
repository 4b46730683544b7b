#include "server/rooms.h"

#include <algorithm>
#include <deque>
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

// A room's epoch: random, so a room begun again (after a restart, or once it emptied) is told
// apart from the one a member resumes from.
uint64_t NewEpoch() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  uint64_t epoch = 0;
  while (epoch == 0) epoch = generator();
  return epoch;
}

class Rooms::Room {
 public:
  Room(std::string name, size_t history_limit)
      : name_(std::move(name)), epoch_(NewEpoch()), history_limit_(history_limit) {}

  const std::string& name() const { return name_; }
  uint64_t epoch() const { return epoch_; }

  // Queues to `member` what it missed after `resume`, from the history; fills `welcome`'s
  // account of it. Mutex held, before the member's WELCOME is queued.
  void Replay(const Resume& resume, uint32_t before, RoomMember& member,
              greet::HelloReply& welcome) const {
    if (resume.epoch != epoch_) {
      welcome.set_history_lost(true);
      return;
    }
    uint32_t replayed = 0;
    uint32_t oldest = before;  // the oldest event after resume.after still in the history
    for (const auto& event : history_) {
      const uint32_t sequence = event->reply().room_sequence();
      if (sequence <= resume.after || sequence >= before) continue;
      oldest = std::min(oldest, sequence);
      member.Enqueue(event, /*replayed=*/true);
      ++replayed;
    }
    welcome.set_replayed_events(replayed);
    welcome.set_missed_events(oldest - resume.after - 1);
  }

  // Queues `event` with the room's next number to every member. The members it cuts off
  // leave, announced together in one LEFT event; that may cut off more, and so on until it
  // cuts off none. Mutex held.
  void Publish(greet::HelloReply event, Touched& touched) {
    while (true) {
      event.set_room_sequence(++last_sequence);
      event.set_room_epoch(epoch_);
      const auto shared = std::make_shared<const RoomEvent>(std::move(event));
      history_.push_back(shared);
      if (history_.size() > history_limit_) history_.pop_front();
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
  const uint64_t epoch_;
  const size_t history_limit_;
  std::deque<SharedRoomEvent> history_;  // the last history_limit_ events, for resumes
};

grpc::Status Rooms::Join(const std::string& room_name, const std::string& name,
                         std::shared_ptr<RoomMember> member, std::optional<Resume> resume,
                         Handle& joined) {
  Touched touched;
  {
    std::lock_guard rooms_lock(mutex_);
    if (closed_) return {grpc::StatusCode::UNAVAILABLE, "the server is shutting down"};
    auto found = rooms_.find(room_name);
    if (found == rooms_.end()) {
      if (rooms_.size() >= limits_.max_rooms) EvictAnEmptyRoom();
      if (rooms_.size() >= limits_.max_rooms) {
        return {
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            "room: the server has its limit of " + std::to_string(limits_.max_rooms) + " rooms"};
      }
      found =
          rooms_.emplace(room_name, std::make_shared<Room>(room_name, limits_.room_history)).first;
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
    if (resume && resume->epoch == room.epoch() && resume->after > room.last_sequence) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              "resume_after: room " + room_name + " has had only " +
                  std::to_string(room.last_sequence) + " events, got " +
                  std::to_string(resume->after)};
    }
    auto welcome = Event(
        greet::WELCOME, room_name, name,
        (resume ? "Hello " + name + ", welcome back to " : "Hello " + name + ", welcome to ") +
            room_name);
    for (const auto& [present, ignored] : room.members) welcome.add_members(present);
    room.Publish(Event(greet::JOINED, room_name, name, name + " joined"), touched);
    welcome.set_room_sequence(room.last_sequence);  // the join's own number
    welcome.set_room_epoch(room.epoch());
    if (resume) room.Replay(*resume, room.last_sequence, *member, welcome);
    room.members.emplace(name, member);
    member->Enqueue(std::make_shared<const RoomEvent>(std::move(welcome)));
    touched.push_back(std::move(member));
    joined = found->second;
  }
  FlushAll(touched);
  return grpc::Status::OK;
}

void Rooms::Say(const Handle& room, const std::string& name, const std::string& text) {
  if (!room) return;
  Touched touched;
  {
    std::lock_guard lock(room->mutex);
    if (room->removed) return;  // closed meanwhile
    auto event = Event(greet::MESSAGE, room->name(), name, name + ": " + text);
    event.set_text(text);
    room->Publish(std::move(event), touched);
  }
  FlushAll(touched);
}

void Rooms::Leave(const Handle& room, const std::string& name, const RoomMember* member) {
  if (!room) return;
  Touched touched;
  {
    std::lock_guard lock(room->mutex);
    auto found = room->members.find(name);
    if (found == room->members.end() || found->second.get() != member) return;
    room->members.erase(found);
    room->Publish(LeftEvent(room->name(), {name}, false), touched);  // kept in the history
  }
  FlushAll(touched);
}

void Rooms::EvictAnEmptyRoom() {
  for (auto it = rooms_.begin(); it != rooms_.end(); ++it) {
    std::lock_guard room_lock(it->second->mutex);
    if (!it->second->members.empty()) continue;
    it->second->removed = true;
    rooms_.erase(it);
    return;
  }
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

#include "server/rooms/memory_rooms.h"

#include <algorithm>
#include <asio/steady_timer.hpp>
#include <deque>

#include "server/rooms/room_announcements.h"

namespace greeter {

class MemoryRooms::Room {
 public:
  Room(std::string name, size_t history_limit)
      : name_(std::move(name)), epoch_(NewRoomEpoch()), history_limit_(history_limit) {}

  const std::string& name() const { return name_; }
  uint64_t epoch() const { return epoch_; }

  // Queues to `member` what it missed after `resume`, from the history; fills `welcome`'s
  // account of it. Mutex held, before the member's WELCOME is queued.
  void Replay(const RoomResume& resume, uint32_t before, RoomMember& member,
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
      event = RoomLeft(name_, cut_off, LeaveReason::kCutOff);
    }
  }

  bool Has(const std::string& name) const {
    return members.contains(name) ||
           std::any_of(pending.begin(), pending.end(),
                       [&](const PendingJoin& join) { return join.name == name; });
  }
  // Whether `member` is in the room (or waiting to be announced) as `name`: not a later
  // member of the same name.
  bool Holds(const std::string& name, const RoomMember* member) const {
    const auto found = members.find(name);
    if (found != members.end()) return found->second.get() == member;
    return std::any_of(pending.begin(), pending.end(), [&](const PendingJoin& join) {
      return join.name == name && join.member.get() == member;
    });
  }
  size_t size() const { return members.size() + pending.size(); }
  bool empty() const { return members.empty() && pending.empty(); }

  // Announces the joins waiting in `pending` in one JOINED event, then welcomes each newcomer
  // (after what it missed, when it resumes) and makes it a member. Mutex held.
  void AnnounceJoins(Touched& touched) {
    if (pending.empty()) return;
    last_announcement = std::chrono::steady_clock::now();
    std::vector<PendingJoin> joins = std::move(pending);
    pending.clear();
    std::vector<std::string> names;
    for (const auto& join : joins) names.push_back(join.name);
    Publish(RoomJoined(name_, names), touched);
    const uint32_t joined_at = last_sequence;  // the joins' own number
    for (const auto& join : joins) {
      std::vector<std::string> present;
      for (const auto& [member_name, ignored] : members) present.push_back(member_name);
      for (const auto& other : names) {
        if (other != join.name) present.push_back(other);
      }
      auto welcome = RoomWelcome(name_, join.name, join.resume.has_value(), present);
      welcome.set_room_sequence(joined_at);
      welcome.set_room_epoch(epoch_);
      if (join.resume) Replay(*join.resume, joined_at, *join.member, welcome);
      join.member->Enqueue(std::make_shared<const RoomEvent>(std::move(welcome)));
      touched.push_back(join.member);
    }
    for (auto& join : joins) members.emplace(join.name, std::move(join.member));
  }

  // A member that joined but has not been announced yet.
  struct PendingJoin {
    std::string name;
    std::shared_ptr<RoomMember> member;
    std::optional<RoomResume> resume;
  };

  std::mutex mutex;
  std::map<std::string, std::shared_ptr<RoomMember>> members;  // by name
  std::vector<PendingJoin> pending;  // joined within kJoinBatch of the last announcement
  std::chrono::steady_clock::time_point last_announcement{};
  bool announcement_scheduled = false;
  uint32_t last_sequence = 0;
  bool removed = false;  // from MemoryRooms::rooms_: a member still holding it talks to nobody

 private:
  const std::string name_;
  const uint64_t epoch_;
  const size_t history_limit_;
  std::deque<SharedRoomEvent> history_;  // the last history_limit_ events, for resumes
};

// What a member holds: its room, reached without the rooms' own lock.
class MemoryRooms::Seat final : public RoomSeat {
 public:
  Seat(MemoryRooms& rooms, Handle room, std::string name, const RoomMember* member)
      : rooms_(rooms), room_(std::move(room)), name_(std::move(name)), member_(member) {}

  void Say(std::string text) override { rooms_.Say(room_, name_, member_, text); }
  void Leave() override { rooms_.Leave(room_, name_, member_); }

 private:
  MemoryRooms& rooms_;
  const Handle room_;
  const std::string name_;
  const RoomMember* member_;  // which one of that name: a later one may take it
};

void MemoryRooms::Join(RoomJoin join, std::shared_ptr<RoomMember> member) {
  Handle joined;
  const RoomMember* identity = member.get();
  auto keep = member;  // Admit hands `member` to the room
  if (auto status = Admit(join, member, joined); !status.ok()) {
    keep->Refused(status);
    return;
  }
  keep->Seated(std::make_shared<Seat>(*this, std::move(joined), join.name, identity));
}

grpc::Status MemoryRooms::Admit(RoomJoin& join, std::shared_ptr<RoomMember>& member,
                                Handle& joined) {
  const std::string& room_name = join.room;
  const std::string& name = join.name;
  const auto& resume = join.resume;
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
    if (room.Has(name)) {
      return {grpc::StatusCode::ALREADY_EXISTS,
              "name: " + name + " is already in room " + room_name};
    }
    if (room.size() >= limits_.max_room_members) {
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
    room.pending.push_back({name, std::move(member), resume});
    joined = found->second;
    // A join in a quiet room is announced at once; joins that follow within kJoinBatch are
    // announced together when it is over, so a crowd joining costs each member one event per
    // kJoinBatch, not one per newcomer.
    const auto now = std::chrono::steady_clock::now();
    if (!room.announcement_scheduled) {
      if (now - room.last_announcement >= kJoinBatch) {
        room.AnnounceJoins(touched);
      } else {
        room.announcement_scheduled = true;
        auto timer =
            std::make_shared<asio::steady_timer>(io_context_, room.last_announcement + kJoinBatch);
        timer->async_wait([this, timer, room = found->second](const asio::error_code&) {
          AnnounceScheduledJoins(room);
        });
      }
    }
  }
  FlushAll(touched);
  return grpc::Status::OK;
}

void MemoryRooms::Say(const Handle& room, const std::string& name, const RoomMember* member,
                      const std::string& text) {
  if (!room) return;
  Touched touched;
  {
    std::lock_guard lock(room->mutex);
    if (room->removed) return;               // closed meanwhile
    if (!room->Holds(name, member)) return;  // it left (or was cut off) meanwhile
    // A newcomer that speaks before its join was announced: announce it first, so that its
    // text follows its arrival and reaches it too.
    if (!room->members.contains(name)) room->AnnounceJoins(touched);
    room->Publish(RoomText(room->name(), name, text), touched);
  }
  FlushAll(touched);
}

void MemoryRooms::Leave(const Handle& room, const std::string& name, const RoomMember* member) {
  if (!room) return;
  Touched touched;
  {
    std::lock_guard lock(room->mutex);
    const auto pending =
        std::find_if(room->pending.begin(), room->pending.end(),
                     [&](const auto& join) { return join.member.get() == member; });
    if (pending != room->pending.end()) {  // never announced: nobody is told
      room->pending.erase(pending);
      return;
    }
    auto found = room->members.find(name);
    if (found == room->members.end() || found->second.get() != member) return;
    room->members.erase(found);
    room->Publish(RoomLeft(room->name(), {name}, LeaveReason::kLeft),
                  touched);  // kept in the history
  }
  FlushAll(touched);
}

void MemoryRooms::EvictAnEmptyRoom() {
  for (auto it = rooms_.begin(); it != rooms_.end(); ++it) {
    std::lock_guard room_lock(it->second->mutex);
    if (!it->second->empty()) continue;
    it->second->removed = true;
    rooms_.erase(it);
    return;
  }
}

void MemoryRooms::CloseAll(const grpc::Status& status) {
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
      for (auto& join : room->pending) {
        join.member->Close(status);
        touched.push_back(std::move(join.member));
      }
      room->members.clear();
      room->pending.clear();
      room->removed = true;
    }
    rooms_.clear();
  }
  FlushAll(touched);
}

void MemoryRooms::AnnounceScheduledJoins(const Handle& room) {
  Touched touched;
  {
    std::lock_guard lock(room->mutex);
    room->announcement_scheduled = false;
    if (!room->removed) room->AnnounceJoins(touched);
  }
  FlushAll(touched);
}

void MemoryRooms::FlushAll(const Touched& touched) {
  for (const auto& member : touched) member->Flush();
}

}  // namespace greeter

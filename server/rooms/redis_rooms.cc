#include "server/rooms/redis_rooms.h"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <algorithm>
#include <asio/post.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "server/rooms/redis_room_scripts.h"
#include "server/rooms/room_announcements.h"

namespace greeter {
namespace {

std::string ChannelOf(const std::string& room) { return "greeter:room:{" + room + "}:events"; }

// The room a channel of ChannelOf is for; empty when it is not one.
std::string RoomOfChannel(std::string_view channel) {
  constexpr std::string_view prefix = "greeter:room:{";
  constexpr std::string_view suffix = "}:events";
  if (!channel.starts_with(prefix) || !channel.ends_with(suffix)) return {};
  return std::string(channel.substr(prefix.size(), channel.size() - prefix.size() - suffix.size()));
}

std::string InstanceBase() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::random_device random;
  return std::string(host) + ":" + std::to_string(getpid()) + ":" +
         std::to_string(random() % 1'000'000);
}

std::string Text(const redisReply* reply) {
  if (reply == nullptr || reply->str == nullptr) return {};
  return std::string(reply->str, reply->len);
}

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// An event as every instance builds it from what Redis published or kept.
SharedRoomEvent BuildEvent(const std::string& room, uint32_t sequence, uint64_t epoch,
                           std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return nullptr;
  const std::string kind = json.value("kind", "");
  greet::HelloReply reply;
  if (kind == "message") {
    reply = RoomText(room, json.value("sender", ""), json.value("text", ""));
  } else if (kind == "joined" || kind == "left") {
    std::vector<std::string> names;
    if (json.contains("names") && json["names"].is_array()) {
      for (const auto& name : json["names"]) {
        if (name.is_string()) names.push_back(name.get<std::string>());
      }
    }
    const std::string why = json.value("why", "left");
    reply = kind == "joined" ? RoomJoined(room, names)
                             : RoomLeft(room, names,
                                        why == "slow"   ? LeaveReason::kCutOff
                                        : why == "gone" ? LeaveReason::kServerGone
                                                        : LeaveReason::kLeft);
  } else {
    return nullptr;
  }
  reply.set_room_sequence(sequence);
  reply.set_room_epoch(epoch);
  return std::make_shared<const RoomEvent>(std::move(reply));
}

uint32_t SequenceOfStreamId(const std::string& id) {
  return static_cast<uint32_t>(std::strtoul(id.c_str(), nullptr, 10));
}

}  // namespace

// What a member holds once seated: its room and name, reached through the engine's strand.
class RedisRooms::Seat final : public RoomSeat {
 public:
  Seat(RedisRooms& rooms, std::string room, std::string name, const RoomMember* member)
      : rooms_(rooms), room_(std::move(room)), name_(std::move(name)), member_(member) {}

  void Say(std::string text) override {
    asio::post(rooms_.strand_, [&rooms = rooms_, room = room_, name = name_, member = member_,
                                text = std::move(text)]() mutable {
      rooms.Say(room, name, member, std::move(text));
    });
  }
  void Leave() override {
    if (left_.exchange(true)) return;
    asio::post(rooms_.strand_, [&rooms = rooms_, room = room_, name = name_, member = member_] {
      rooms.Leave(room, name, member);
    });
  }

 private:
  RedisRooms& rooms_;
  const std::string room_;
  const std::string name_;
  const RoomMember* const member_;  // only compared: which member of that name this seat is
  std::atomic<bool> left_{false};
};

struct RedisRooms::PendingJoin {
  RoomJoin join;
  std::shared_ptr<RoomMember> member;  // null once refused (timed out)
  std::unique_ptr<asio::steady_timer> bound;
  bool sent = false;       // the join script is on its way
  bool abandoned = false;  // refused for taking too long: a seat granted after is given back
};

struct RedisRooms::LocalRoom {
  enum class Subscription { kNone, kSubscribing, kSubscribed, kUnsubscribing };
  struct Seated {
    std::shared_ptr<RoomMember> member;
    uint32_t welcomed_at;  // its WELCOME's sequence: it is sent only the events after it
  };

  explicit LocalRoom(std::string room) : name(std::move(room)), channel(ChannelOf(name)) {}

  bool idle() const { return members.empty() && joining.empty(); }

  const std::string name;
  const std::string channel;
  Subscription subscription = Subscription::kNone;
  std::map<std::string, Seated> members;  // by name
  std::map<uint64_t, PendingJoin> joining;
  uint32_t last_sequence = 0;  // of the last event received: older ones are duplicates
  // Events received while joins are pending: a join's answer and the events after it come on
  // different connections, so those that came first are handed to the newcomer when it is
  // seated.
  std::deque<SharedRoomEvent> recent;
};

RedisRooms::RedisRooms(const ServerLimits& limits, asio::io_context& io_context,
                       RedisRoomsOptions options)
    : limits_(limits),
      options_(std::move(options)),
      strand_(asio::make_strand(io_context)),
      commands_(strand_, options_.address, "commands"),
      subscriber_(strand_, options_.address, "subscriber"),
      heartbeat_timer_(strand_),
      instance_base_(InstanceBase()) {
  subscriber_.SetPushHandler([this](const redisReply& push) { OnPush(push); });
  asio::post(strand_, [this] {
    // A Redis out of reach from the start is reported once too (the health and the log).
    commands_.Start({[this] { OnCommandsUp(); }, [this](const std::string&) { OnLinkDown(true); },
                     [this](const std::string&) { UpdateReachable(/*after_failure=*/true); }});
    subscriber_.Start({[this] { UpdateReachable(); },
                       [this](const std::string&) { OnLinkDown(false); },
                       /*failed=*/nullptr});
    Beat();
  });
}

RedisRooms::~RedisRooms() = default;

grpc::Status RedisRooms::Unreachable() const {
  return {grpc::StatusCode::UNAVAILABLE,
          "the room service (redis at " + options_.address.text + ") is unreachable"};
}

bool RedisRooms::Run(const std::string& script, std::vector<std::string> args,
                     RedisLink::ReplyHandler on_reply) {
  args.insert(args.begin(), {"EVAL", script, "0"});
  return commands_.Command(args, std::move(on_reply));
}

void RedisRooms::Join(RoomJoin join, std::shared_ptr<RoomMember> member) {
  asio::post(strand_, [this, join = std::move(join), member = std::move(member)]() mutable {
    StartJoin(std::move(join), std::move(member));
  });
}

void RedisRooms::StartJoin(RoomJoin join, std::shared_ptr<RoomMember> member) {
  if (closed_)
    return member->Refused({grpc::StatusCode::UNAVAILABLE, "the server is shutting down"});
  if (!reachable_) return member->Refused(Unreachable());
  auto& slot = rooms_[join.room];
  if (!slot) slot = std::make_unique<LocalRoom>(join.room);
  LocalRoom& room = *slot;
  const uint64_t id = next_join_id_++;
  PendingJoin& pending = room.joining[id];
  pending.join = std::move(join);
  pending.member = std::move(member);
  pending.bound = std::make_unique<asio::steady_timer>(strand_, options_.join_bound);
  pending.bound->async_wait([this, room_name = room.name, id](const asio::error_code& error) {
    if (!error) OnJoinTimeout(room_name, id);
  });
  // Subscribed before the join script runs, so no event after the join can be missed.
  switch (room.subscription) {
    case LocalRoom::Subscription::kNone:
      Subscribe(room);
      break;
    case LocalRoom::Subscription::kSubscribed:
      SendJoin(room, id);
      break;
    case LocalRoom::Subscription::kSubscribing:
    case LocalRoom::Subscription::kUnsubscribing:
      break;  // sent once subscribed (OnPush)
  }
}

void RedisRooms::Subscribe(LocalRoom& room) {
  room.subscription = LocalRoom::Subscription::kSubscribing;
  if (subscriber_.Subscription({"SUBSCRIBE", room.channel})) return;
  room.subscription = LocalRoom::Subscription::kNone;
  std::vector<std::shared_ptr<RoomMember>> refused;
  for (auto& [id, pending] : room.joining) {
    if (pending.member) refused.push_back(std::move(pending.member));
  }
  room.joining.clear();
  const std::string name = room.name;
  ForgetIfIdle(name);
  for (const auto& member : refused) member->Refused(Unreachable());
}

void RedisRooms::SendJoin(LocalRoom& room, uint64_t id) {
  PendingJoin& pending = room.joining.at(id);
  if (pending.sent || pending.abandoned) return;
  pending.sent = true;
  const auto& join = pending.join;
  const bool sent =
      Run(RedisRoomScripts::kJoin,
          {room.name, join.name, instance_, std::to_string(limits_.max_room_members),
           std::to_string(limits_.max_rooms), std::to_string(limits_.room_history),
           std::to_string(NewRoomEpoch()), Dump({{"kind", "joined"}, {"names", {join.name}}}),
           join.resume ? "1" : "0", std::to_string(join.resume ? join.resume->after : 0),
           std::to_string(join.resume ? join.resume->epoch : 0)},
          [this, room_name = room.name, id](const redisReply* reply) {
            OnJoinReply(room_name, id, reply);
          });
  if (!sent) OnJoinReply(room.name, id, nullptr);
}

void RedisRooms::OnJoinReply(const std::string& room_name, uint64_t join_id,
                             const redisReply* reply) {
  const auto found_room = rooms_.find(room_name);
  if (found_room == rooms_.end()) return;
  LocalRoom& room = *found_room->second;
  const auto found = room.joining.find(join_id);
  if (found == room.joining.end()) return;  // refused already: the connection was lost
  PendingJoin pending = std::move(found->second);
  room.joining.erase(found);
  pending.bound->cancel();

  const bool is_answer = reply != nullptr && reply->type == REDIS_REPLY_ARRAY &&
                         reply->elements >= 1 && reply->element[0]->type == REDIS_REPLY_STRING;
  const std::string verdict = is_answer ? Text(reply->element[0]) : "";
  const auto& join = pending.join;
  if (pending.abandoned) {
    if (verdict == "OK") SendLeave(room.name, {join.name}, "left");  // nobody took the seat
  } else if (verdict == "OK" && reply->elements >= 5) {
    SeatMember(room, pending, *reply);
  } else {
    grpc::Status refusal = Unreachable();
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
      refusal = {
          grpc::StatusCode::UNAVAILABLE,
          "the room service (redis at " + options_.address.text + ") failed: " + Text(reply)};
    } else if (verdict == "ALREADY_EXISTS") {
      refusal = {grpc::StatusCode::ALREADY_EXISTS,
                 "name: " + join.name + " is already in room " + room.name};
    } else if (verdict == "ROOM_FULL") {
      refusal = {grpc::StatusCode::RESOURCE_EXHAUSTED,
                 "room: " + room.name + " has its limit of " +
                     std::to_string(limits_.max_room_members) + " members"};
    } else if (verdict == "TOO_MANY_ROOMS") {
      refusal = {
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          "room: the server has its limit of " + std::to_string(limits_.max_rooms) + " rooms"};
    } else if (verdict == "RESUME_PAST" && reply->elements >= 2) {
      refusal = {grpc::StatusCode::INVALID_ARGUMENT,
                 "resume_after: room " + room.name + " has had only " +
                     std::to_string(reply->element[1]->integer) + " events, got " +
                     std::to_string(join.resume ? join.resume->after : 0)};
    } else if (verdict == "UNKNOWN_INSTANCE") {
      // This server was taken for gone (its presence expired) and its members removed: they
      // end here too, and it registers again under a new name. Posted: it forgets rooms, this
      // one among them.
      asio::post(strand_, [this] { LoseTheseMembers(); });
    }
    pending.member->Refused(refusal);
  }
  if (room.joining.empty()) room.recent.clear();
  ForgetIfIdle(room_name);
}

void RedisRooms::SeatMember(LocalRoom& room, PendingJoin& pending, const redisReply& reply) {
  const auto& join = pending.join;
  const auto& member = pending.member;
  const auto sequence = static_cast<uint32_t>(reply.element[1]->integer);
  const uint64_t epoch = std::strtoull(Text(reply.element[2]).c_str(), nullptr, 10);
  std::vector<std::string> present;
  const redisReply& names = *reply.element[3];
  for (size_t i = 0; i < names.elements; ++i) {
    if (auto name = Text(names.element[i]); name != join.name) present.push_back(std::move(name));
  }
  std::sort(present.begin(), present.end());
  auto welcome = RoomWelcome(room.name, join.name, join.resume.has_value(), present);
  welcome.set_room_sequence(sequence);
  welcome.set_room_epoch(epoch);

  member->Seated(std::make_shared<Seat>(*this, room.name, join.name, member.get()));
  if (join.resume && join.resume->epoch != epoch) {
    welcome.set_history_lost(true);
  } else if (join.resume) {
    uint32_t replayed = 0;
    uint32_t oldest = sequence;  // the oldest event after resume_after still in the history
    const redisReply& entries = *reply.element[4];
    for (size_t i = 0; i < entries.elements; ++i) {
      const redisReply& entry = *entries.element[i];
      if (entry.type != REDIS_REPLY_ARRAY || entry.elements < 2 || entry.element[1]->elements < 2) {
        continue;
      }
      const uint32_t event_sequence = SequenceOfStreamId(Text(entry.element[0]));
      auto event = BuildEvent(room.name, event_sequence, epoch, Text(entry.element[1]->element[1]));
      if (!event) continue;
      member->Enqueue(event, /*replayed=*/true);
      oldest = std::min(oldest, event_sequence);
      ++replayed;
    }
    welcome.set_replayed_events(replayed);
    welcome.set_missed_events(oldest - join.resume->after - 1);
  }
  bool cut_off = !member->Enqueue(std::make_shared<const RoomEvent>(std::move(welcome)));
  // What came before the answer and follows the WELCOME. Should those events no longer be
  // held here (a join answered very late), the member cannot be given one unbroken order.
  const bool complete =
      room.last_sequence <= sequence ||
      (!room.recent.empty() && room.recent.front()->reply().room_sequence() <= sequence + 1);
  for (const auto& event : room.recent) {
    if (cut_off || !complete) break;
    if (event->reply().room_sequence() > sequence) cut_off = !member->Enqueue(event);
  }
  if (!complete) {
    member->Close({grpc::StatusCode::UNAVAILABLE,
                   "room: events of " + room.name + " went by while joining; join again"});
  }
  if (cut_off || !complete) {
    SendLeave(room.name, {join.name}, cut_off ? "slow" : "left");
  } else {
    room.members[join.name] = {member, sequence};
  }
  member->Flush();
}

void RedisRooms::OnJoinTimeout(const std::string& room_name, uint64_t join_id) {
  const auto found_room = rooms_.find(room_name);
  if (found_room == rooms_.end()) return;
  LocalRoom& room = *found_room->second;
  const auto found = room.joining.find(join_id);
  if (found == room.joining.end() || found->second.abandoned) return;
  auto member = std::move(found->second.member);
  found->second.abandoned = true;
  if (!found->second.sent) room.joining.erase(found);  // Redis never saw it
  if (room.joining.empty()) room.recent.clear();
  ForgetIfIdle(room_name);
  member->Refused(
      {grpc::StatusCode::UNAVAILABLE, "the room service (redis at " + options_.address.text +
                                          ") did not confirm the join within " +
                                          std::to_string(options_.join_bound.count()) + " ms"});
}

void RedisRooms::Say(const std::string& room_name, const std::string& name,
                     const RoomMember* member, std::string text) {
  const auto found_room = rooms_.find(room_name);
  if (found_room == rooms_.end()) return;
  const auto found = found_room->second->members.find(name);
  if (found == found_room->second->members.end() || found->second.member.get() != member) return;
  Run(RedisRoomScripts::kSay,
      {room_name, name, instance_, std::to_string(limits_.room_history),
       std::to_string(NewRoomEpoch()),
       Dump({{"kind", "message"}, {"sender", name}, {"text", std::move(text)}})},
      [this, room_name, name, member](const redisReply* reply) {
        if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER || reply->integer != 0) return;
        // Redis no longer has this member in the room: this server was taken for gone.
        const auto room = rooms_.find(room_name);
        if (room == rooms_.end()) return;
        const auto seated = room->second->members.find(name);
        if (seated == room->second->members.end() || seated->second.member.get() != member) return;
        auto lost = std::move(seated->second.member);
        room->second->members.erase(seated);
        lost->Close(
            {grpc::StatusCode::UNAVAILABLE, "room: " + name + " lost its place in " + room_name +
                                                " (this server's presence expired); join again"});
        lost->Flush();
        ForgetIfIdle(room_name);
      });
}

void RedisRooms::Leave(const std::string& room_name, const std::string& name,
                       const RoomMember* member) {
  const auto found_room = rooms_.find(room_name);
  if (found_room == rooms_.end()) return;
  auto& members = found_room->second->members;
  const auto found = members.find(name);
  if (found == members.end() || found->second.member.get() != member) return;
  members.erase(found);
  SendLeave(room_name, {name}, "left");
  ForgetIfIdle(room_name);
}

void RedisRooms::SendLeave(const std::string& room_name, const std::vector<std::string>& names,
                           const char* why) {
  std::vector<std::string> args{room_name, instance_, std::to_string(limits_.room_history),
                                std::to_string(NewRoomEpoch()), why};
  args.insert(args.end(), names.begin(), names.end());
  Run(RedisRoomScripts::kLeave, std::move(args), [](const redisReply*) {});
}

void RedisRooms::ForgetIfIdle(const std::string& room_name) {
  const auto found = rooms_.find(room_name);
  if (found == rooms_.end() || !found->second->idle()) return;
  LocalRoom& room = *found->second;
  switch (room.subscription) {
    case LocalRoom::Subscription::kNone:
      rooms_.erase(found);
      break;
    case LocalRoom::Subscription::kSubscribed:
      // Forgotten once Redis confirms: a SUBSCRIBE sent meanwhile would be undone by the
      // confirmation of this UNSUBSCRIBE (hiredis keeps one callback per channel).
      room.subscription = LocalRoom::Subscription::kUnsubscribing;
      room.recent.clear();
      if (!subscriber_.Subscription({"UNSUBSCRIBE", room.channel})) rooms_.erase(found);
      break;
    case LocalRoom::Subscription::kSubscribing:
    case LocalRoom::Subscription::kUnsubscribing:
      break;  // decided when Redis confirms (OnPush)
  }
}

void RedisRooms::OnPush(const redisReply& push) {
  if (push.type != REDIS_REPLY_ARRAY || push.elements < 3) return;
  const std::string kind = Text(push.element[0]);
  const auto found = rooms_.find(RoomOfChannel(Text(push.element[1])));
  if (found == rooms_.end()) return;
  LocalRoom& room = *found->second;
  const std::string room_name = room.name;
  if (kind == "message") {
    if (room.subscription == LocalRoom::Subscription::kSubscribed)
      Deliver(room, Text(push.element[2]));
  } else if (kind == "subscribe") {
    if (room.subscription != LocalRoom::Subscription::kSubscribing) return;
    room.subscription = LocalRoom::Subscription::kSubscribed;
    room.last_sequence = 0;
    std::vector<uint64_t> ids;
    for (const auto& [id, pending] : room.joining) ids.push_back(id);
    for (const uint64_t id : ids) {
      // SendJoin may refuse (and forget the room) when the commands link is down.
      const auto still = rooms_.find(room_name);
      if (still == rooms_.end()) return;
      if (still->second->joining.contains(id)) SendJoin(*still->second, id);
    }
    ForgetIfIdle(room_name);
  } else if (kind == "unsubscribe") {
    if (room.subscription != LocalRoom::Subscription::kUnsubscribing) return;
    room.subscription = LocalRoom::Subscription::kNone;
    if (room.joining.empty()) {
      rooms_.erase(found);
    } else {
      Subscribe(room);
    }
  }
}

void RedisRooms::Deliver(LocalRoom& room, const std::string& payload) {
  const auto first = payload.find(':');
  const auto second = first == std::string::npos ? first : payload.find(':', first + 1);
  if (second == std::string::npos) return;
  const auto sequence = static_cast<uint32_t>(std::strtoul(payload.c_str(), nullptr, 10));
  if (sequence <= room.last_sequence) return;  // seen already
  const uint64_t epoch = std::strtoull(payload.c_str() + first + 1, nullptr, 10);
  auto event = BuildEvent(room.name, sequence, epoch, std::string_view(payload).substr(second + 1));
  if (!event) return;
  room.last_sequence = sequence;
  if (!room.joining.empty()) {
    room.recent.push_back(event);
    if (room.recent.size() > std::max<size_t>(limits_.room_history, 64)) room.recent.pop_front();
  }
  Touched touched;
  std::vector<std::string> cut_off;
  for (const auto& [name, seated] : room.members) {
    if (seated.welcomed_at >= sequence) continue;  // it came before this member's WELCOME
    if (!seated.member->Enqueue(event)) cut_off.push_back(name);
    touched.push_back(seated.member);
  }
  for (const auto& name : cut_off) room.members.erase(name);
  FlushAll(touched);
  if (cut_off.empty()) return;
  // All those this event cut off here leave in one LEFT.
  const std::string room_name = room.name;
  SendLeave(room_name, cut_off, "slow");
  ForgetIfIdle(room_name);
}

void RedisRooms::OnCommandsUp() {
  if (closed_) return;
  // The members of this server's previous connection were ended when it was lost; Redis may
  // still hold them (it was unreachable, not restarted): they leave, under the old name.
  BeginNewGeneration();
}

void RedisRooms::BeginNewGeneration() {
  if (!instance_.empty() && commands_.up()) {
    // Whatever of the previous generation Redis still holds leaves now, before anything of
    // the new one (one connection: Redis runs the scripts in this order). A join still on its
    // way under the old name finds it unregistered and is refused.
    Run(RedisRoomScripts::kSweep,
        {std::to_string(limits_.room_history), std::to_string(NewRoomEpoch()), instance_},
        [](const redisReply*) {});
  }
  instance_ = instance_base_ + "/" + std::to_string(++generation_);
  registered_ = false;
  UpdateReachable();
  if (commands_.up()) Register();
}

void RedisRooms::Register() {
  Run(RedisRoomScripts::kHeartbeat, {instance_, std::to_string(options_.presence_expiry.count())},
      [this, instance = instance_](const redisReply* reply) {
        if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER || instance != instance_) return;
        registered_ = true;
        UpdateReachable();
      });
}

void RedisRooms::Beat() {
  if (closed_) return;
  if (commands_.up() && registered_) {
    Run(RedisRoomScripts::kHeartbeat, {instance_, std::to_string(options_.presence_expiry.count())},
        [this, instance = instance_](const redisReply* reply) {
          if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER || instance != instance_) {
            return;
          }
          // Taken for gone (Redis restarted, or this server was too slow to beat).
          if (reply->integer == 0) LoseTheseMembers();
        });
    Run(RedisRoomScripts::kSweep,
        {std::to_string(limits_.room_history), std::to_string(NewRoomEpoch())},
        [](const redisReply*) {});
  }
  heartbeat_timer_.expires_after(
      std::max(options_.presence_expiry / 4, std::chrono::milliseconds(10)));
  heartbeat_timer_.async_wait([this](const asio::error_code& error) {
    if (!error) Beat();
  });
}

void RedisRooms::LoseTheseMembers() {
  if (closed_) return;
  // Redis no longer seats this server's members: they end here too.
  LoseEveryRoom({grpc::StatusCode::UNAVAILABLE, "the room service (redis at " +
                                                    options_.address.text +
                                                    ") lost this server's members; join again"});
  BeginNewGeneration();
}

void RedisRooms::OnLinkDown(bool commands) {
  if (commands) registered_ = false;
  UpdateReachable();
  if (closed_) return;
  LoseEveryRoom(Unreachable());
  // The subscriber alone was lost: Redis still seats the members just ended here, and a new
  // generation's first act is to remove them (the commands link is up).
  if (!commands) BeginNewGeneration();
}

void RedisRooms::LoseEveryRoom(const grpc::Status& status) {
  Touched touched;
  std::vector<std::shared_ptr<RoomMember>> refused;
  for (auto& [name, room] : rooms_) {
    for (auto& [member_name, seated] : room->members) {
      seated.member->Close(status);
      touched.push_back(std::move(seated.member));
    }
    for (auto& [id, pending] : room->joining) {
      pending.bound->cancel();
      if (pending.member) refused.push_back(std::move(pending.member));
    }
    room->members.clear();
    room->joining.clear();
  }
  std::vector<std::string> names;
  for (const auto& [name, room] : rooms_) names.push_back(name);
  for (const auto& name : names) {
    if (!subscriber_.up()) {
      rooms_.erase(name);  // its subscriptions went with it
    } else {
      ForgetIfIdle(name);
    }
  }
  FlushAll(touched);
  for (const auto& member : refused) member->Refused(status);
}

void RedisRooms::UpdateReachable(bool after_failure) {
  if (closed_) {  // the server is closing: its health says so already
    reachable_ = false;
    return;
  }
  const bool reachable = commands_.up() && subscriber_.up() && registered_;
  const bool changed = reachable_.exchange(reachable) != reachable;
  // Reported on every change, and once when Redis is out of reach from the start (not while
  // the connections come up one after the other).
  if (!changed && (reported_ || !after_failure)) return;
  reported_ = true;
  if (options_.on_availability) options_.on_availability(reachable);
}

void RedisRooms::CloseAll(const grpc::Status& status) {
  asio::post(strand_, [this, status] {
    if (closed_) return;
    closed_ = true;
    LoseEveryRoom(status);
    // The others see this server's members leave now, not once its presence expires.
    if (registered_) {
      Run(RedisRoomScripts::kSweep,
          {std::to_string(limits_.room_history), std::to_string(NewRoomEpoch()), instance_},
          [](const redisReply*) {});
    }
    heartbeat_timer_.cancel();
    commands_.Stop();
    subscriber_.Stop();
    UpdateReachable();
  });
}

void RedisRooms::FlushAll(const Touched& touched) {
  for (const auto& member : touched) member->Flush();
}

}  // namespace greeter

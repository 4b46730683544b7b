#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/rooms/hiredis_asio.h"
#include "server/rooms/redis_address.h"
#include "server/rooms/redis_link.h"
#include "server/rooms/room_engine.h"
#include "server/server_limits.h"

struct redisReply;

namespace greeter {

struct RedisRoomsOptions {
  RedisAddress address;
  // A server that stops refreshing its presence for this long is taken for gone: every other
  // server removes its members (LEFT) at its next sweep, within about 1.25 times this.
  std::chrono::milliseconds presence_expiry{10'000};
  // A join Redis has not answered within this fails UNAVAILABLE.
  std::chrono::milliseconds join_bound{2'000};
  // Told (on the engine's strand) when the room service becomes reachable or unreachable.
  std::function<void(bool reachable)> on_availability;
};

// Chat rooms shared by every greeter-server pointed at one Redis (RedisRoomScripts lists what
// Redis holds). Redis decides: each event is one Lua script that takes the room's next
// sequence, appends it to the room's history stream and publishes it, so every instance sees a
// room's events in one order with one numbering. Each instance subscribes to the rooms it has
// members in and delivers what it receives to them, one shared RoomEvent per event, in
// sequence order.
//
// Everything here runs on one strand of the server's io_context (reactor threads post to it),
// with two connections: one for commands, one subscribed (hiredis allows nothing else on it).
// Nothing blocks: a join is answered when Redis answers, or fails UNAVAILABLE after
// join_bound.
//
// Faults: while either connection is down, joins fail UNAVAILABLE and the members here are
// ended UNAVAILABLE (events published meanwhile could not reach them; they resume from the
// history once back); the links reconnect by themselves. Members of a server that stopped
// (SIGKILL) are removed by the others' sweep once its presence expires. The slow-consumer
// policy is each member's own (RoomMember::Enqueue); those one event cuts off here leave in
// one LEFT.
class RedisRooms final : public RoomEngine {
 public:
  // Starts connecting. `io_context` must outlive the engine, and no thread may run it when
  // the engine is destroyed.
  RedisRooms(const ServerLimits& limits, asio::io_context& io_context, RedisRoomsOptions options);
  ~RedisRooms() override;

  void Join(RoomJoin join, std::shared_ptr<RoomMember> member) override;
  void CloseAll(const grpc::Status& status) override;

  // Both connections up and this instance registered: joins can succeed.
  bool reachable() const { return reachable_.load(); }

 private:
  class Seat;
  struct PendingJoin;
  struct LocalRoom;
  using Touched = std::vector<std::shared_ptr<RoomMember>>;

  // All of these run on strand_.
  void StartJoin(RoomJoin join, std::shared_ptr<RoomMember> member);
  void Subscribe(LocalRoom& room);
  void SendJoin(LocalRoom& room, uint64_t join_id);
  void OnJoinReply(const std::string& room_name, uint64_t join_id, const redisReply* reply);
  void SeatMember(LocalRoom& room, PendingJoin& pending, const redisReply& reply);
  void OnJoinTimeout(const std::string& room_name, uint64_t join_id);
  void Say(const std::string& room_name, const std::string& name, const RoomMember* member,
           std::string text);
  void Leave(const std::string& room_name, const std::string& name, const RoomMember* member);
  void OnPush(const redisReply& push);
  void Deliver(LocalRoom& room, const std::string& payload);
  void SendLeave(const std::string& room_name, const std::vector<std::string>& names,
                 const char* why);
  void ForgetIfIdle(const std::string& room_name);
  void OnCommandsUp();
  void BeginNewGeneration();
  void LoseTheseMembers();
  void OnLinkDown(bool commands);
  void Register();
  void Beat();
  void LoseEveryRoom(const grpc::Status& status);
  void UpdateReachable(bool after_failure = false);
  bool Run(const std::string& script, std::vector<std::string> args,
           RedisLink::ReplyHandler on_reply);
  grpc::Status Unreachable() const;
  static void FlushAll(const Touched& touched);

  const ServerLimits& limits_;
  const RedisRoomsOptions options_;
  RedisStrand strand_;
  RedisLink commands_;
  RedisLink subscriber_;
  asio::steady_timer heartbeat_timer_;
  const std::string instance_base_;  // host, pid and a random tag: unique among the servers
  uint64_t generation_ = 0;          // a new one after every loss of the commands link
  std::string instance_;             // instance_base_ and generation_: who seats our members
  bool registered_ = false;          // instance_ is in greeter:instances
  bool closed_ = false;
  std::atomic<bool> reachable_{false};
  bool reported_ = false;  // on_availability was called at least once
  uint64_t next_join_id_ = 1;
  std::map<std::string, std::unique_ptr<LocalRoom>> rooms_;  // with members here, or joining
};

}  // namespace greeter

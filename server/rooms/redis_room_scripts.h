#pragma once

#include <string>

namespace greeter {

// The Lua scripts of the redis rooms engine. Each runs atomically in Redis, so everything that
// decides a room's order or membership happens in one place, whichever instance asks.
//
// Keys (one Redis node; a script touches keys it does not declare, so Redis Cluster would need
// them declared and in one slot):
//   greeter:room:{R}:seq      the room's last room_sequence (INCR)
//   greeter:room:{R}:epoch    the room's epoch; gone when Redis lost the room, then a new one
//   greeter:room:{R}:history  a stream of the room's last --room-history events, IDs "<seq>-0"
//   greeter:room:{R}:members  a hash: member name -> the instance that seats it
//   greeter:room:{R}:events   the channel the room's events are published on,
//                             "<seq>:<epoch>:<event as JSON>"
//   greeter:rooms             the set of rooms with members (for --max-rooms)
//   greeter:instances         a sorted set: instance -> when its presence expires (ms, Redis time)
//   greeter:instance:{I}:rooms  rooms where instance I has seated members (for the sweep)
// A room nobody is in keeps seq, epoch and history for a day (then it begins again, with a new
// epoch).
// Events are JSON ({"kind":"message","sender":..,"text":..}, {"kind":"joined","names":[..]},
// {"kind":"left","names":[..],"why":"left"|"slow"|"gone"}): Lua builds the LEFT of a sweep
// itself, and every instance turns the same JSON into the same reply.
struct RedisRoomScripts {
  // ARGV: room, name, instance, max_members, max_rooms, history, new_epoch, joined event,
  // resume ("1"/"0"), resume_after, resume_epoch.
  // {"OK", seq, epoch, {members}, {replayed stream entries}} or {"ALREADY_EXISTS"},
  // {"ROOM_FULL"}, {"TOO_MANY_ROOMS"}, {"RESUME_PAST", last seq}, {"UNKNOWN_INSTANCE"}.
  static const std::string kJoin;
  // ARGV: room, name, instance, history, new_epoch, event. The event's seq, or 0 when the
  // member is not (any longer) in the room as this instance's.
  static const std::string kSay;
  // ARGV: room, instance, history, new_epoch, why, names... How many left (one LEFT for all).
  static const std::string kLeave;
  // ARGV: instance, expiry_ms. 1 when the instance was still registered, 0 when it was not
  // (new, or swept as gone).
  static const std::string kHeartbeat;
  // ARGV: history, new_epoch[, instance]. Removes the members of every instance whose presence
  // expired (or of `instance`: a server leaving), one LEFT per room. How many were removed.
  static const std::string kSweep;
};

}  // namespace greeter

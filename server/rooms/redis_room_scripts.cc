#include "server/rooms/redis_room_scripts.h"

namespace greeter {
namespace {

// What every script shares: the key names, Redis' own clock, and how an event is appended.
const std::string kPrelude = R"lua(
local function key(room, what) return 'greeter:room:{' .. room .. '}:' .. what end
local function instance_rooms(instance) return 'greeter:instance:{' .. instance .. '}:rooms' end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- One event of the room: its next number, the history stream, the channel, at once. A room
-- without an epoch is new, or Redis lost it: its life begins again, numbered from 1.
local function append(room, body, history, new_epoch)
  local epoch = redis.call('GET', key(room, 'epoch'))
  if not epoch then
    epoch = new_epoch
    redis.call('SET', key(room, 'epoch'), epoch)
    redis.call('DEL', key(room, 'seq'), key(room, 'history'))
  end
  local seq = redis.call('INCR', key(room, 'seq'))
  redis.call('XADD', key(room, 'history'), 'MAXLEN', history, seq .. '-0', 'e', body)
  redis.call('PUBLISH', key(room, 'events'), seq .. ':' .. epoch .. ':' .. body)
  return seq, epoch
end
-- Removes those of `names` that `instance` seats; one LEFT for all of them.
local function remove(room, instance, names, why, history, new_epoch)
  local members = key(room, 'members')
  local gone = {}
  for _, name in ipairs(names) do
    if redis.call('HGET', members, name) == instance then
      redis.call('HDEL', members, name)
      gone[#gone + 1] = name
    end
  end
  if #gone > 0 then
    append(room, cjson.encode({kind = 'left', names = gone, why = why}), history, new_epoch)
  end
  if redis.call('HLEN', members) == 0 then
    redis.call('SREM', 'greeter:rooms', room)
    -- An empty room keeps its history for members that resume, for a day: room names that
    -- are never used again must not hold memory for ever.
    for _, what in ipairs({'seq', 'epoch', 'history'}) do
      redis.call('EXPIRE', key(room, what), 86400)
    end
  end
  return #gone
end
)lua";

}  // namespace

const std::string RedisRoomScripts::kJoin = kPrelude + R"lua(
local room, name, instance = ARGV[1], ARGV[2], ARGV[3]
local members = key(room, 'members')
if not redis.call('ZSCORE', 'greeter:instances', instance) then return {'UNKNOWN_INSTANCE'} end
if redis.call('HEXISTS', members, name) == 1 then return {'ALREADY_EXISTS'} end
local count = redis.call('HLEN', members)
if count >= tonumber(ARGV[4]) then return {'ROOM_FULL'} end
if count == 0 and redis.call('SISMEMBER', 'greeter:rooms', room) == 0
    and redis.call('SCARD', 'greeter:rooms') >= tonumber(ARGV[5]) then
  return {'TOO_MANY_ROOMS'}
end
local resume = ARGV[9] == '1'
local resume_after = tonumber(ARGV[10])
local last = tonumber(redis.call('GET', key(room, 'seq')) or '0')
if resume and redis.call('GET', key(room, 'epoch')) == ARGV[11] and resume_after > last then
  return {'RESUME_PAST', last}
end
redis.call('HSET', members, name, instance)
redis.call('SADD', 'greeter:rooms', room)
for _, what in ipairs({'seq', 'epoch', 'history'}) do redis.call('PERSIST', key(room, what)) end
redis.call('SADD', instance_rooms(instance), room)
local seq, epoch = append(room, ARGV[8], ARGV[6], ARGV[7])
local replay = {}
if resume and epoch == ARGV[11] and resume_after + 1 <= seq - 1 then
  replay = redis.call('XRANGE', key(room, 'history'), (resume_after + 1) .. '-0', (seq - 1) .. '-0')
end
return {'OK', seq, epoch, redis.call('HKEYS', members), replay}
)lua";

const std::string RedisRoomScripts::kSay = kPrelude + R"lua(
if redis.call('HGET', key(ARGV[1], 'members'), ARGV[2]) ~= ARGV[3] then return 0 end
local seq = append(ARGV[1], ARGV[6], ARGV[4], ARGV[5])
return seq
)lua";

const std::string RedisRoomScripts::kLeave = kPrelude + R"lua(
local names = {}
for i = 6, #ARGV do names[#names + 1] = ARGV[i] end
return remove(ARGV[1], ARGV[2], names, ARGV[5], ARGV[3], ARGV[4])
)lua";

const std::string RedisRoomScripts::kHeartbeat = kPrelude + R"lua(
local known = redis.call('ZSCORE', 'greeter:instances', ARGV[1])
redis.call('ZADD', 'greeter:instances', now_ms() + tonumber(ARGV[2]), ARGV[1])
if known then return 1 end
return 0
)lua";

const std::string RedisRoomScripts::kSweep = kPrelude + R"lua(
local gone
if ARGV[3] then
  gone = {ARGV[3]}
else
  gone = redis.call('ZRANGEBYSCORE', 'greeter:instances', '-inf', now_ms())
end
local removed = 0
for _, instance in ipairs(gone) do
  for _, room in ipairs(redis.call('SMEMBERS', instance_rooms(instance))) do
    local names = {}
    local all = redis.call('HGETALL', key(room, 'members'))
    for i = 1, #all, 2 do
      if all[i + 1] == instance then names[#names + 1] = all[i] end
    end
    removed = removed + remove(room, instance, names, ARGV[3] and 'left' or 'gone', ARGV[1], ARGV[2])
  end
  redis.call('DEL', instance_rooms(instance))
  redis.call('ZREM', 'greeter:instances', instance)
end
return removed
)lua";

}  // namespace greeter

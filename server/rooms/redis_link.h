#pragma once

#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "server/rooms/hiredis_asio.h"
#include "server/rooms/redis_address.h"

struct redisAsyncContext;
struct redisReply;

namespace greeter {

// One connection to Redis through hiredis' async API, that reconnects by itself: after a
// failed attempt or a lost connection it tries again after 100 ms, doubling to 2 s. Every call,
// and every handler it calls, is on `strand`; nothing waits for Redis.
//
// The process must ignore SIGPIPE (greeter-server does): hiredis writes with write(), and a
// Redis that went away would otherwise end the process instead of the connection.
//
// A command is sent only while the link is up (Command returns false otherwise), so a caller
// can answer at once that Redis is out of reach instead of queueing behind a dead socket.
class RedisLink {
 public:
  // A command's answer; null when the connection ended before it came.
  using ReplyHandler = std::function<void(const redisReply*)>;
  // A subscriber link's pushes: subscribe and unsubscribe confirmations, and messages.
  using PushHandler = std::function<void(const redisReply&)>;
  struct Events {
    std::function<void()> up;                        // connected (and the database selected)
    std::function<void(const std::string&)> down;    // the connection was lost: why
    std::function<void(const std::string&)> failed;  // an attempt to connect failed: why
  };

  // `role` names the link in messages ("commands", "subscriber").
  RedisLink(RedisStrand strand, RedisAddress address, std::string role);
  // Frees the connection; the handlers of replies still pending are not called. Call it on
  // the strand, or once nothing runs it.
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // Connects, and keeps connecting. On the strand from here on.
  void Start(Events events);
  // Ends the connection once the replies pending have come (at most 1 s), and stays down.
  void Stop();
  bool up() const { return up_; }
  const RedisAddress& address() const { return address_; }

  // Sends one command, its arguments binary-safe. False (and nothing sent) when down.
  bool Command(const std::vector<std::string>& args, ReplyHandler on_reply);
  // A subscriber link's SUBSCRIBE or UNSUBSCRIBE: its answers reach the push handler.
  bool Subscription(const std::vector<std::string>& args);
  void SetPushHandler(PushHandler on_push) { on_push_ = std::move(on_push); }

 private:
  static constexpr std::chrono::milliseconds kFirstRetry{100};
  static constexpr std::chrono::milliseconds kLastRetry{2000};
  static constexpr std::chrono::milliseconds kConnectBound{2000};

  void Connect();
  void RetryLater(const std::string& why);
  void Lost(const std::string& why);
  bool Send(const std::vector<std::string>& args,
            void (*callback)(redisAsyncContext*, void*, void*), void* privdata);

  static void OnConnect(const redisAsyncContext* context, int status);
  static void OnDisconnect(const redisAsyncContext* context, int status);
  static void OnReply(redisAsyncContext* context, void* reply, void* privdata);
  static void OnPush(redisAsyncContext* context, void* reply, void* privdata);

  RedisStrand strand_;
  const RedisAddress address_;
  const std::string role_;
  Events events_;
  PushHandler on_push_;
  redisAsyncContext* context_ = nullptr;  // connecting or connected; hiredis frees it
  bool up_ = false;
  bool stopped_ = false;
  bool discarding_ = false;  // being destroyed: replies still pending are dropped
  std::chrono::milliseconds retry_ = kFirstRetry;
  asio::steady_timer retry_timer_;
  asio::steady_timer bound_timer_;  // a connection attempt's, or Stop's
};

}  // namespace greeter

#include "server/rooms/redis_link.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <memory>

namespace greeter {

RedisLink::RedisLink(RedisStrand strand, RedisAddress address, std::string role)
    : strand_(strand),
      address_(std::move(address)),
      role_(std::move(role)),
      retry_timer_(strand),
      bound_timer_(strand) {}

RedisLink::~RedisLink() {
  discarding_ = true;
  stopped_ = true;
  if (context_ != nullptr) {
    redisAsyncContext* context = context_;
    context_ = nullptr;
    redisAsyncFree(context);
  }
}

void RedisLink::Start(Events events) {
  events_ = std::move(events);
  Connect();
}

void RedisLink::Connect() {
  if (stopped_ || context_ != nullptr) return;
  redisAsyncContext* context = address_.unix_path.empty()
                                   ? redisAsyncConnect(address_.host.c_str(), address_.port)
                                   : redisAsyncConnectUnix(address_.unix_path.c_str());
  if (context == nullptr) return RetryLater("out of memory");
  if (context->err != 0) {
    const std::string why = context->errstr;
    redisAsyncFree(context);
    return RetryLater(why);
  }
  context->data = this;
  if (!AttachToAsio(context, strand_)) {
    redisAsyncFree(context);
    return RetryLater("its socket cannot be watched");
  }
  redisAsyncSetConnectCallback(context, &RedisLink::OnConnect);
  redisAsyncSetDisconnectCallback(context, &RedisLink::OnDisconnect);
  context_ = context;
  // hiredis 0.14 has no connect timeout of its own: an attempt that hangs is given up.
  bound_timer_.expires_after(kConnectBound);
  bound_timer_.async_wait([this, context](const asio::error_code& error) {
    if (error || context_ != context || up_) return;
    context_ = nullptr;
    redisAsyncFree(context);
    RetryLater("no answer to connect");
  });
}

void RedisLink::RetryLater(const std::string& why) {
  if (stopped_) return;
  if (events_.failed && !up_) events_.failed(why);
  retry_timer_.expires_after(retry_);
  retry_ = std::min(retry_ * 2, kLastRetry);
  retry_timer_.async_wait([this](const asio::error_code& error) {
    if (!error) Connect();
  });
}

void RedisLink::Lost(const std::string& why) {
  const bool was_up = up_;
  up_ = false;
  bound_timer_.cancel();
  context_ = nullptr;  // hiredis frees it once this callback returns
  if (was_up && events_.down) events_.down(why);
  RetryLater(why);
}

void RedisLink::OnConnect(const redisAsyncContext* context, int status) {
  auto* link = static_cast<RedisLink*>(context->data);
  if (link->discarding_ || link->context_ != context) return;
  if (status != REDIS_OK) return link->Lost(context->errstr);
  link->bound_timer_.cancel();
  link->up_ = true;
  link->retry_ = kFirstRetry;
  // Commands are answered in order: whatever follows runs in the selected database.
  if (link->address_.db != 0) {
    link->Command({"SELECT", std::to_string(link->address_.db)}, [](const redisReply*) {});
  }
  if (link->events_.up) link->events_.up();
}

void RedisLink::OnDisconnect(const redisAsyncContext* context, int status) {
  auto* link = static_cast<RedisLink*>(context->data);
  if (link->discarding_ || link->context_ != context) return;
  link->Lost(status == REDIS_OK ? "disconnected" : context->errstr);
}

bool RedisLink::Send(const std::vector<std::string>& args,
                     void (*callback)(redisAsyncContext*, void*, void*), void* privdata) {
  if (!up_ || stopped_ || context_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return redisAsyncCommandArgv(context_, callback, privdata, static_cast<int>(args.size()),
                               argv.data(), lengths.data()) == REDIS_OK;
}

bool RedisLink::Command(const std::vector<std::string>& args, ReplyHandler on_reply) {
  auto handler = std::make_unique<ReplyHandler>(std::move(on_reply));
  if (!Send(args, &RedisLink::OnReply, handler.get())) return false;
  handler.release();  // OnReply owns it now
  return true;
}

bool RedisLink::Subscription(const std::vector<std::string>& args) {
  return Send(args, &RedisLink::OnPush, nullptr);
}

void RedisLink::OnReply(redisAsyncContext* context, void* reply, void* privdata) {
  std::unique_ptr<ReplyHandler> handler(static_cast<ReplyHandler*>(privdata));
  auto* link = static_cast<RedisLink*>(context->data);
  if (link->discarding_) return;
  (*handler)(static_cast<const redisReply*>(reply));
}

void RedisLink::OnPush(redisAsyncContext* context, void* reply, void* /*privdata*/) {
  auto* link = static_cast<RedisLink*>(context->data);
  if (link->discarding_ || reply == nullptr || !link->on_push_) return;
  link->on_push_(*static_cast<const redisReply*>(reply));
}

void RedisLink::Stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  bound_timer_.cancel();
  if (context_ == nullptr) return;
  if (!up_) {  // still connecting: nothing to wait for
    redisAsyncContext* context = context_;
    context_ = nullptr;
    redisAsyncFree(context);
    return;
  }
  // hiredis may free the context inside redisAsyncDisconnect (nothing pending): the bound is
  // armed first, and Lost (from OnDisconnect) cancels it.
  redisAsyncContext* context = context_;
  bound_timer_.expires_after(std::chrono::seconds(1));
  bound_timer_.async_wait([this, context](const asio::error_code& error) {
    if (error || context_ == nullptr || context_ != context) return;
    context_ = nullptr;
    up_ = false;
    redisAsyncFree(context);
  });
  redisAsyncDisconnect(context);  // after the pending replies
}

}  // namespace greeter

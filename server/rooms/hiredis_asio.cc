#include "server/rooms/hiredis_asio.h"

#include <hiredis/async.h>

#include <asio/bind_executor.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <memory>

namespace greeter {
namespace {

// One hiredis context's socket as asio sees it. Shared with the waits in flight: a wait that
// completes after the context is gone finds `context` null and does nothing.
class SocketWatcher : public std::enable_shared_from_this<SocketWatcher> {
 public:
  SocketWatcher(redisAsyncContext* context, RedisStrand strand)
      : context_(context), strand_(strand), socket_(strand, context->c.fd) {}

  enum class Direction { kRead, kWrite };

  // hiredis calls these idempotently: at most one wait per direction is ever in flight, and a
  // wait nobody wants any more completes without calling hiredis.
  void Want(Direction direction, bool wanted) {
    Side& side = SideOf(direction);
    side.wanted = wanted;
    if (!wanted || side.waiting || !context_) return;
    side.waiting = true;
    socket_.async_wait(
        direction == Direction::kRead ? asio::posix::stream_descriptor::wait_read
                                      : asio::posix::stream_descriptor::wait_write,
        asio::bind_executor(strand_, [self = shared_from_this(), direction](asio::error_code) {
          self->Ready(direction);
        }));
  }

  // The context is being freed: hiredis closes the socket itself, so it is released, not
  // closed (release also ends the waits in flight).
  void Detach() {
    context_ = nullptr;
    socket_.release();
  }

 private:
  struct Side {
    bool wanted = false;
    bool waiting = false;
  };
  Side& SideOf(Direction direction) { return direction == Direction::kRead ? read_ : write_; }

  void Ready(Direction direction) {
    Side& side = SideOf(direction);
    side.waiting = false;
    if (!context_ || !side.wanted) return;
    // Readiness is level-triggered for hiredis: it asks again (addRead after every read, and
    // addWrite while it has bytes to send), and those requests start the next wait.
    side.wanted = false;
    if (direction == Direction::kRead) {
      redisAsyncHandleRead(context_);
    } else {
      redisAsyncHandleWrite(context_);
    }
  }

  redisAsyncContext* context_;
  RedisStrand strand_;
  asio::posix::stream_descriptor socket_;
  Side read_;
  Side write_;
};

// hiredis' hooks get ev.data: a heap-held shared_ptr, so the watcher outlives the context's
// last call into it for as long as a wait is in flight.
using WatcherHandle = std::shared_ptr<SocketWatcher>;
SocketWatcher& WatcherOf(void* data) { return **static_cast<WatcherHandle*>(data); }

}  // namespace

bool AttachToAsio(redisAsyncContext* context, RedisStrand strand) {
  if (context->ev.data != nullptr) return false;
  WatcherHandle* handle = nullptr;
  try {
    handle = new WatcherHandle(std::make_shared<SocketWatcher>(context, strand));
  } catch (const std::exception&) {
    return false;
  }
  context->ev.data = handle;
  context->ev.addRead = [](void* data) {
    WatcherOf(data).Want(SocketWatcher::Direction::kRead, true);
  };
  context->ev.delRead = [](void* data) {
    WatcherOf(data).Want(SocketWatcher::Direction::kRead, false);
  };
  context->ev.addWrite = [](void* data) {
    WatcherOf(data).Want(SocketWatcher::Direction::kWrite, true);
  };
  context->ev.delWrite = [](void* data) {
    WatcherOf(data).Want(SocketWatcher::Direction::kWrite, false);
  };
  context->ev.cleanup = [](void* data) {
    auto* owned = static_cast<WatcherHandle*>(data);
    (*owned)->Detach();
    delete owned;
  };
  // A connection in progress completes with the socket writable (or readable with an error):
  // both are watched from the start, as hiredis' own adapters do.
  WatcherOf(handle).Want(SocketWatcher::Direction::kRead, true);
  WatcherOf(handle).Want(SocketWatcher::Direction::kWrite, true);
  return true;
}

}  // namespace greeter

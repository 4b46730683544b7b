#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <mutex>

namespace greeter {

// A reactor's waits (a reply's delay, a stream's interval) on the server's asio io_context.
// One wait at a time. Cancel, from any thread (OnCancel), cuts the wait short and makes every
// later wait end at once, so a cancelled call never waits out its timer.
class CancellableTimer {
 public:
  explicit CancellableTimer(asio::io_context& io) : timer_(io) {}

  // Calls `done(true)` when `delay` has passed, or `done(false)` if the call was cancelled
  // before or during the wait. `done` runs on the io_context's thread, or at once when already
  // cancelled.
  void Wait(std::chrono::milliseconds delay, std::function<void(bool elapsed)> done) {
    {
      std::lock_guard lock(mutex_);
      if (!cancelled_) {
        timer_.expires_after(delay);
        timer_.async_wait([done = std::move(done)](const asio::error_code& error) {
          done(!error);  // operation_aborted: Cancel
        });
        return;
      }
    }
    done(false);
  }

  void Cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    timer_.cancel();
  }

 private:
  std::mutex mutex_;  // the timer is not safe for concurrent use: Wait and Cancel share it
  asio::steady_timer timer_;
  bool cancelled_ = false;
};

}  // namespace greeter

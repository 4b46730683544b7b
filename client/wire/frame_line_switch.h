#pragma once

#include <functional>
#include <mutex>
#include <string>

namespace greeter::wire {

// Where the view's lines go, and whether they go at all: a one-shot command sends them to
// stderr; the interactive client sends them through its console (above the line being typed)
// and turns them off and on. Thread-safe: lines come from the relay's thread.
class FrameLineSwitch {
 public:
  using Destination = std::function<void(const std::string& line)>;  // without '\n'
  explicit FrameLineSwitch(Destination destination) : destination_(std::move(destination)) {}

  void Send(const std::string& line) const {
    std::lock_guard lock(mutex_);
    if (showing_) destination_(line);
  }
  void Redirect(Destination destination) {
    std::lock_guard lock(mutex_);
    destination_ = std::move(destination);
  }
  void Show(bool showing) {
    std::lock_guard lock(mutex_);
    showing_ = showing;
  }
  bool showing() const {
    std::lock_guard lock(mutex_);
    return showing_;
  }

 private:
  mutable std::mutex mutex_;
  Destination destination_;
  bool showing_ = true;
};

}  // namespace greeter::wire

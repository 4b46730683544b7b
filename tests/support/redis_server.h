#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "tests/support/child_process.h"

namespace greeter::testing {

// A redis-server of the test's own: no TCP port (port 0), a unix socket in a temporary
// directory, nothing saved to disk, so a restart loses every room (as a Redis that lost its
// data does). Started by the constructor; the directory goes with the object.
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // unix:///tmp/.../redis.sock: what greeter-server --rooms takes.
  std::string address() const { return "unix://" + socket_path_; }
  const std::string& socket_path() const { return socket_path_; }

  // Starts it (again, on the same socket) and returns once it accepts connections.
  void Start();
  // Stops it (SIGTERM, or `signal_number`) and waits for it to exit.
  void Stop(int signal_number = 15);
  // SIGSTOP / SIGCONT: a Redis that holds connections open and answers nothing.
  void Pause();
  void Resume();

 private:
  std::string directory_;
  std::string socket_path_;
  std::unique_ptr<ChildProcess> process_;
};

// The Redis of the test running now: started on first use, and begun again (empty) when another
// test of the same process asks, so no test sees another's rooms. With GREETER_TEST_ROOMS=redis
// in the environment every TestServer uses it (tests/CMakeLists.txt: the rooms tests again, on
// the redis engine).
RedisServer& RedisOfThisTest();
bool RoomsOnRedisForEveryTest();

}  // namespace greeter::testing

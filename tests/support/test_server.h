#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/wire/wire_view.h"
#include "greet.grpc.pb.h"
#include "server/greeter_server.h"

namespace greeter::testing {

using namespace std::chrono_literals;

// A real greeter server on an ephemeral loopback port, recording every finished call.
class TestServer {
 public:
  // Port 0 picks a free one; a given port lets a test restart a server where it was.
  explicit TestServer(ServerLimits limits = {}, int port = 0);
  // With connection options other than greeter-server's defaults.
  explicit TestServer(ConnectionOptions connection);
  // Serving TLS (mutual TLS when tls.client_ca is set); NewChannel and NewStub stay plaintext.
  explicit TestServer(ServerTls tls);
  // With the rooms in `rooms` (a redis engine: returns once Redis is reachable).
  TestServer(ServerLimits limits, RoomEngineChoice rooms, int port = 0);

  int port() const { return server_.port(); }
  std::string target() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  // With GREETER_TEST_THROUGH_WIRE_VIEW set in the environment, every channel goes through a
  // wire view's relay (greeter-client --frames=json, its lines counted, not printed): the
  // transparency run, which proves the relay changes nothing a call can see.
  std::shared_ptr<grpc::Channel> NewChannel() const;
  std::unique_ptr<greet::Greeter::Stub> NewStub() const;

  // Waits until `count` calls have finished (the server has run their OnDone) and returns them
  // in the order they finished; fails the test after `timeout`.
  std::vector<CallRecord> WaitForCalls(size_t count, std::chrono::milliseconds timeout = 5s);
  // The one finished call, waiting for it.
  CallRecord WaitForCall(std::chrono::milliseconds timeout = 5s);

  void Shutdown(std::chrono::milliseconds drain) { server_.Shutdown(drain); }
  GreeterServer& server() { return server_; }
  // Waits until the server has begun `count` calls (its reactors exist); fails the test after
  // `timeout`. For tests that must act while the server is inside a call.
  void WaitForCallsStarted(uint64_t count, std::chrono::milliseconds timeout = 5s) const;
  // Calls the server has begun so far, for telling which of several servers a client chose.
  uint64_t calls_started() const { return server_.calls().calls_started(); }
  // Replies the server has written so far, for watching a stream while it runs.
  uint64_t messages_sent() const { return server_.calls().messages_sent(); }

 private:
  explicit TestServer(const ServerOptions& options);

  std::mutex mutex_;
  std::condition_variable recorded_;
  std::vector<CallRecord> calls_;
  // Every channel handed out lives as long as the server, so a test's channels end in the
  // order it reads them in (the gRPC 1.51 bug of dropping the last channel inside a reaction is
  // worked around for the whole process: common/grpc_callback_threads.h).
  mutable std::mutex channels_mutex_;
  mutable std::unique_ptr<wire::WireView> wire_view_;  // outlives the channels through it
  mutable std::vector<std::shared_ptr<grpc::Channel>> channels_;
  GreeterServer server_;
};

// A deadline `from_now` away, for client contexts.
inline std::chrono::system_clock::time_point In(std::chrono::milliseconds from_now) {
  return std::chrono::system_clock::now() + from_now;
}

greet::HelloRequest NamedRequest(const std::string& name);

// How the server saw a call that the client's deadline ended. The client's deadline usually
// fires first and cancels the stream, a moment before the server's own copy of the deadline;
// the server logs such a cancel as DEADLINE_EXCEEDED when it comes within 100 ms of the
// deadline, and a loaded machine can stretch that moment: either way the server saw the call
// end, which is what these tests check.
inline bool EndedByClientDeadline(grpc::StatusCode code) {
  return code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::CANCELLED;
}

}  // namespace greeter::testing

// Rooms shared by several greeter-server instances through one Redis (the redis engine), with
// real servers: in-process TestServers, and greeter-server processes where one must die by
// SIGKILL. Each test starts its own redis-server on a unix socket and stops it.

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <csignal>

#include "client/call_settings.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/room_client.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::vector<std::string> Names(const greet::HelloReply& event) {
  return {event.members().begin(), event.members().end()};
}

// What a member saw after `after`, as (kind, sequence, sender): two members must agree on it.
std::vector<std::tuple<int, uint32_t, std::string>> Seen(
    const std::vector<greet::HelloReply>& events, uint32_t after) {
  std::vector<std::tuple<int, uint32_t, std::string>> seen;
  for (const auto& event : events) {
    if (event.room_sequence() > after && event.event() != greet::WELCOME) {
      seen.emplace_back(event.event(), event.room_sequence(), event.sender());
    }
  }
  return seen;
}

HealthCheckResponse::ServingStatus HealthOf(const std::shared_ptr<grpc::Channel>& channel,
                                            const std::string& service) {
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const auto status = Health::NewStub(channel)->Check(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

// Waits, on the health service's Watch stream, until `service` is SERVING.
bool WaitUntilServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                      std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(In(timeout));
  HealthCheckRequest request;
  request.set_service(service);
  auto watch = Health::NewStub(channel)->Watch(&context, request);
  HealthCheckResponse response;
  while (watch->Read(&response)) {
    if (response.status() == HealthCheckResponse::SERVING) {
      context.TryCancel();
      watch->Finish();
      return true;
    }
  }
  watch->Finish();
  return false;
}

grpc::Status SayHello(greet::Greeter::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(In(5s));
  greet::HelloReply reply;
  return stub.SayHello(&context, NamedRequest("Alice"), &reply);
}

class RoomsAcrossInstances : public ::testing::Test {
 protected:
  RoomEngineChoice OnRedis(std::chrono::milliseconds presence_expiry) const {
    RoomEngineChoice rooms;
    rooms.engine = redis_.address();
    rooms.presence_expiry = presence_expiry;
    return rooms;
  }
  std::unique_ptr<TestServer> NewServer(ServerLimits limits = {},
                                        std::chrono::milliseconds presence_expiry = 10s,
                                        int port = 0) {
    return std::make_unique<TestServer>(limits, OnRedis(presence_expiry), port);
  }
  // A greeter-server process on this Redis, for a test that must SIGKILL it.
  std::vector<std::string> ServerProcessArguments(const std::string& presence_expiry) const {
    return {GREETER_SERVER_BIN,
            "--listen",
            "127.0.0.1:0",
            "--quiet",
            "--rooms",
            redis_.address(),
            "--room-presence-expiry",
            presence_expiry};
  }
  // Its address once its rooms serve, or empty (the test has failed) if they did not in time.
  static std::string WaitUntilRoomsServe(ChildProcess& server) {
    const auto ready = server.ReadStdoutLine(10s);
    const std::string prefix = "greeter-server listening on ";
    if (!ready || ready->rfind(prefix, 0) != 0) {
      ADD_FAILURE() << ready.value_or("no ready line") << server.stderr_text();
      return {};
    }
    const std::string target = ready->substr(prefix.size());
    if (!WaitUntilServing(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()),
                          "greet.Greeter.rooms", 10s)) {
      ADD_FAILURE() << "the rooms of " << target << " did not serve within 10 s";
      return {};
    }
    return target;
  }
  std::string Unreachable() const {
    return "the room service (redis at " + redis_.address() + ") is unreachable";
  }

  RedisServer redis_;
};

TEST_F(RoomsAcrossInstances, MembersOnTwoServersSeeOneOrderWithTheSameNumbers) {
  auto first = NewServer();
  auto second = NewServer();
  auto first_stub = first->NewStub();
  auto second_stub = second->NewStub();

  Member alice(*first_stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  Member bob(*second_stub, "Bob", "lobby");
  const auto bob_welcome = bob.WaitFor(greet::WELCOME, "Bob");
  EXPECT_EQ(Names(bob_welcome), std::vector<std::string>{"Alice"});
  Member carol(*first_stub, "Carol", "lobby");
  const auto carol_welcome = carol.WaitFor(greet::WELCOME, "Carol");
  EXPECT_EQ(Names(carol_welcome), (std::vector<std::string>{"Alice", "Bob"}));
  EXPECT_EQ(carol_welcome.room_sequence(), 3u);
  EXPECT_EQ(carol_welcome.room_epoch(), bob_welcome.room_epoch());
  alice.WaitFor(greet::JOINED, "Carol");
  bob.WaitFor(greet::JOINED, "Carol");

  constexpr size_t kEach = 20;
  for (size_t i = 0; i < kEach; ++i) {
    alice.Say("a" + std::to_string(i));
    bob.Say("b" + std::to_string(i));
    carol.Say("c" + std::to_string(i));
  }
  for (auto* member : {&alice, &bob, &carol}) member->WaitForMessageCount(3 * kEach);
  const auto order = Seen(alice.events(), 3);
  ASSERT_EQ(order.size(), 3 * kEach);
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(std::get<1>(order[i]), 4 + i);
  EXPECT_EQ(Seen(bob.events(), 3), order);
  EXPECT_EQ(Seen(carol.events(), 3), order);

  carol.Leave();
  const auto left = bob.WaitFor(greet::LEFT, "Carol");
  EXPECT_EQ(left.room_sequence(), 4 + 3 * kEach);
  EXPECT_EQ(carol.WaitForStatus().error_code(), grpc::StatusCode::OK);
}

TEST_F(RoomsAcrossInstances, NamesAndLimitsHoldAcrossThreeServers) {
  ServerLimits limits;
  limits.max_room_members = 3;
  limits.max_rooms = 2;
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::unique_ptr<greet::Greeter::Stub>> stubs;
  for (int i = 0; i < 3; ++i) {
    servers.push_back(NewServer(limits));
    stubs.push_back(servers.back()->NewStub());
  }
  Member a(*stubs[0], "A", "lobby");
  a.WaitFor(greet::WELCOME, "A");
  Member b(*stubs[1], "B", "lobby");
  b.WaitFor(greet::WELCOME, "B");

  Member again(*stubs[2], "A", "lobby");
  auto status = again.WaitForStatus();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(status.error_message(), "name: A is already in room lobby");

  Member c(*stubs[2], "C", "lobby");
  EXPECT_EQ(Names(c.WaitFor(greet::WELCOME, "C")), (std::vector<std::string>{"A", "B"}));
  Member d(*stubs[0], "D", "lobby");
  status = d.WaitForStatus();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "room: lobby has its limit of 3 members");

  Member e(*stubs[1], "E", "kitchen");
  e.WaitFor(greet::WELCOME, "E");
  Member f(*stubs[2], "F", "attic");
  status = f.WaitForStatus();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "room: the server has its limit of 2 rooms");
}

TEST_F(RoomsAcrossInstances, AServerKilledWithSigkillItsMembersLeaveWithinThePresenceExpiry) {
  auto survivor = NewServer({}, 500ms);  // sweeps every 125 ms
  auto stub = survivor->NewStub();
  ChildProcess doomed(ServerProcessArguments("500ms"));
  const auto doomed_target = WaitUntilRoomsServe(doomed);
  ASSERT_FALSE(doomed_target.empty());
  auto doomed_stub = greet::Greeter::NewStub(
      grpc::CreateChannel(doomed_target, grpc::InsecureChannelCredentials()));

  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  Member bob(*doomed_stub, "Bob", "lobby");
  bob.WaitFor(greet::WELCOME, "Bob");
  alice.WaitFor(greet::JOINED, "Bob");

  const auto killed_at = std::chrono::steady_clock::now();
  doomed.Signal(SIGKILL);
  const auto left = alice.WaitFor(greet::LEFT, "Bob");
  // The expiry, then at most one sweep of the survivor (a quarter of its expiry): 625 ms,
  // with room for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 1500ms);
  EXPECT_EQ(left.message(), "Bob left (their server stopped answering)");
  EXPECT_EQ(bob.WaitForStatus().error_code(), grpc::StatusCode::UNAVAILABLE);
  doomed.Wait(5s);
  // Bob may come back, on the survivor.
  Member back(*stub, "Bob", "lobby");
  back.WaitFor(greet::WELCOME, "Bob");
}

TEST_F(RoomsAcrossInstances, RedisDownEndsMembersUnavailableAndEveryOtherCallKeepsWorking) {
  auto server = NewServer();
  auto stub = server->NewStub();
  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  EXPECT_EQ(HealthOf(server->NewChannel(), "greet.Greeter.rooms"), HealthCheckResponse::SERVING);

  redis_.Stop();
  const auto ended = alice.WaitForStatus();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ended.error_message(), Unreachable());
  Member bob(*stub, "Bob", "lobby");
  const auto refused = bob.WaitForStatus();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_message(), Unreachable());
  // Every call but a room's: served as ever; health says which part is out.
  EXPECT_TRUE(SayHello(*stub).ok());
  EXPECT_EQ(HealthOf(server->NewChannel(), "greet.Greeter.rooms"),
            HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(HealthOf(server->NewChannel(), "greet.Greeter"), HealthCheckResponse::SERVING);
  EXPECT_EQ(HealthOf(server->NewChannel(), ""), HealthCheckResponse::SERVING);

  redis_.Start();  // the server reconnects by itself
  ASSERT_TRUE(WaitUntilServing(server->NewChannel(), "greet.Greeter.rooms", 10s));
  Member carol(*stub, "Carol", "lobby");
  EXPECT_EQ(carol.WaitFor(greet::WELCOME, "Carol").room_sequence(), 1u);  // Redis began empty
  EXPECT_TRUE(SayHello(*stub).ok());
}

TEST_F(RoomsAcrossInstances, AMemberResumesOnAnotherServerAfterItsOwnIsGone) {
  auto first = NewServer();
  auto second = NewServer();
  auto second_stub = second->NewStub();
  Member alice(*second_stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");

  greet::HelloReply last_seen;
  {
    auto first_stub = first->NewStub();
    Member bob(*first_stub, "Bob", "lobby");
    bob.WaitFor(greet::WELCOME, "Bob");
    alice.Say("before");
    last_seen = bob.WaitFor(greet::MESSAGE, "Alice");  // 3
    first->Shutdown(0ms);                              // Bob's server goes: LEFT Bob (4)
    EXPECT_EQ(bob.WaitForStatus().error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  alice.WaitFor(greet::LEFT, "Bob");
  alice.Say("one");  // 5
  alice.Say("two");  // 6
  alice.WaitForMessageCount(3);

  auto request = CallSettings{}.JoinRequest("Bob", "lobby");
  request.set_resume_after(last_seen.room_sequence());
  request.set_resume_epoch(last_seen.room_epoch());
  Member back(*second_stub, "Bob", "lobby", request);
  const auto welcome = back.WaitFor(greet::WELCOME, "Bob");
  EXPECT_EQ(welcome.message(), "Hello Bob, welcome back to lobby");
  EXPECT_EQ(welcome.replayed_events(), 3u);
  EXPECT_EQ(welcome.missed_events(), 0u);
  EXPECT_FALSE(welcome.history_lost());
  std::vector<std::pair<int, uint32_t>> replayed;
  for (const auto& event : back.events())
    replayed.emplace_back(event.event(), event.room_sequence());
  EXPECT_EQ(replayed,
            (std::vector<std::pair<int, uint32_t>>{
                {greet::LEFT, 4}, {greet::MESSAGE, 5}, {greet::MESSAGE, 6}, {greet::WELCOME, 7}}));
}

TEST_F(RoomsAcrossInstances, AClientWhoseServerRestartsRejoinsThereAndMissesNothing) {
  const int port = UnusedPort();
  auto other = NewServer();
  auto other_stub = other->NewStub();
  Member alice(*other_stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  auto restarting = NewServer({}, 10s, port);
  ChildProcess bob({GREETER_CLIENT_BIN, "--target", "127.0.0.1:" + std::to_string(port), "chat",
                    "Bob", "--room", "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("welcome to lobby") != std::string::npos) << line.value_or("");

  restarting.reset();  // Bob's chat ends UNAVAILABLE; his LEFT reaches Alice
  alice.WaitFor(greet::LEFT, "Bob");
  alice.Say("said while Bob was away");
  alice.WaitFor(greet::MESSAGE, "Alice");
  restarting = NewServer({}, 10s, port);
  do {
    line = bob.ReadStdoutLine(40s);
  } while (line && line->find("rejoined lobby") == std::string::npos);
  ASSERT_TRUE(line) << bob.stdout_text() << bob.stderr_text();
  EXPECT_EQ(*line, "rejoined lobby: 2 events you missed shown above");
  const auto& shown = bob.stdout_text();
  EXPECT_NE(shown.find("Alice: said while Bob was away"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("history is lost"), std::string::npos) << shown;
  bob.CloseStdin();
  EXPECT_EQ(bob.Wait(10s), 0);
}

// Two targets in gRPC's own name syntax, and each load-balancing policy: the client's server
// goes, and the chat carries on on the other, with what happened in between shown.
class ClientFailover : public RoomsAcrossInstances,
                       public ::testing::WithParamInterface<std::string> {};

TEST_P(ClientFailover, AChatWhoseServerDiesRejoinsOnTheOtherTargetMissingNothing) {
  const int first_port = UnusedPort(), second_port = UnusedPort();
  auto first = NewServer({}, 10s, first_port);
  auto second = NewServer({}, 10s, second_port);
  const std::string targets =
      "ipv4:127.0.0.1:" + std::to_string(first_port) + ",127.0.0.1:" + std::to_string(second_port);
  ChildProcess bob({GREETER_CLIENT_BIN, "--target", targets, "--lb-policy", GetParam(), "chat",
                    "Bob", "--room", "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("welcome to lobby") != std::string::npos) << line.value_or("");
  // pick_first takes the first address and round_robin either: the one Bob is on goes.
  const bool on_first = first->calls_started() > 0;
  (on_first ? first : second).reset();
  do {
    line = bob.ReadStdoutLine(20s);
  } while (line && line->find("rejoined lobby") == std::string::npos);
  ASSERT_TRUE(line) << bob.stdout_text() << bob.stderr_text();
  const std::string rejoined = bob.stdout_text();
  // His own leaving, announced while he was away, is shown him on his return.
  EXPECT_NE(rejoined.find("Bob left"), std::string::npos) << rejoined;
  EXPECT_EQ(rejoined.find("history is lost"), std::string::npos) << rejoined;

  auto& staying = on_first ? second : first;
  auto staying_stub = staying->NewStub();
  Member carol(*staying_stub, "Carol", "lobby");
  EXPECT_EQ(Names(carol.WaitFor(greet::WELCOME, "Carol")), std::vector<std::string>{"Bob"});
  carol.Say("welcome back");
  do {
    line = bob.ReadStdoutLine(10s);
  } while (line && line->find("Carol: welcome back") == std::string::npos);
  EXPECT_TRUE(line) << bob.stdout_text();
  bob.CloseStdin();
  EXPECT_EQ(bob.Wait(10s), 0) << bob.stderr_text();
}

// A killed server says nothing: the member's seat stays in Redis until its presence expires, and
// the client, whose rejoin meets its own name, waits that out instead of giving up.
TEST_F(RoomsAcrossInstances, AChatWhoseServerIsKilledRejoinsOnTheOtherOnceItsOldSeatExpires) {
  auto survivor = NewServer({}, 500ms);
  ChildProcess doomed(ServerProcessArguments("500ms"));
  const auto doomed_target = WaitUntilRoomsServe(doomed);
  ASSERT_FALSE(doomed_target.empty());
  // pick_first: the doomed server is first, so Bob is on it.
  ChildProcess bob({GREETER_CLIENT_BIN, "--target",
                    "ipv4:" + doomed_target + "," + survivor->target(), "chat", "Bob", "--room",
                    "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("welcome to lobby") != std::string::npos) << line.value_or("");
  auto stub = survivor->NewStub();
  Member carol(*stub, "Carol", "lobby");
  EXPECT_EQ(Names(carol.WaitFor(greet::WELCOME, "Carol")), std::vector<std::string>{"Bob"});

  doomed.Signal(SIGKILL);
  carol.WaitFor(greet::LEFT, "Bob");
  carol.Say("said while Bob was away");
  do {
    line = bob.ReadStdoutLine(20s);
  } while (line && line->find("rejoined lobby") == std::string::npos);
  ASSERT_TRUE(line) << bob.stdout_text() << bob.stderr_text();
  const std::string shown = bob.stdout_text();
  EXPECT_NE(shown.find("still holds your old seat"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Carol: said while Bob was away"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("history is lost"), std::string::npos) << shown;
  carol.WaitFor(greet::JOINED, "Bob");
  bob.CloseStdin();
  EXPECT_EQ(bob.Wait(10s), 0) << bob.stderr_text();
  doomed.Wait(5s);
}

INSTANTIATE_TEST_SUITE_P(Policies, ClientFailover, ::testing::Values("pick_first", "round_robin"));

}  // namespace
}  // namespace greeter::testing

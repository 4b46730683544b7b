// The redis rooms engine against a real redis-server, through a recording RoomMember: several
// engines on one Redis are several greeter-server instances, each with its own io_context and
// thread. The end-to-end rooms tests (rooms_test.cc) run the same through greeter-server.
#include "server/rooms/redis_rooms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <asio/executor_work_guard.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/support/redis_server.h"

namespace greeter {
namespace {

using namespace std::chrono_literals;

// A member that keeps what the engine tells it, and lets the test wait for it.
class RecordingMember final : public RoomMember {
 public:
  // `capacity`: events it accepts before it behaves as a slow consumer.
  explicit RecordingMember(size_t capacity = 100'000) : capacity_(capacity) {}

  void Seated(std::shared_ptr<RoomSeat> seat) override {
    Locked([&] { seat_ = std::move(seat); });
  }
  void Refused(const grpc::Status& status) override {
    Locked([&] { refused_ = status; });
  }
  bool Enqueue(const SharedRoomEvent& event, bool replayed) override {
    std::lock_guard lock(mutex_);
    if (queued_.size() >= capacity_ && !replayed) {
      cut_off_ = true;
      return false;
    }
    queued_.push_back(event->reply());
    return true;
  }
  void Close(const grpc::Status& status) override {
    Locked([&] { closed_ = status; });
  }
  void Flush() override {
    Locked([&] {
      events_.insert(events_.end(), queued_.begin() + static_cast<std::ptrdiff_t>(flushed_),
                     queued_.end());
      flushed_ = queued_.size();
    });
  }

  // Waits until one flushed event satisfies `match`.
  bool WaitForEvent(const std::function<bool(const greet::HelloReply&)>& match,
                    std::chrono::milliseconds timeout = 5s) {
    return WaitUntil([&] { return std::any_of(events_.begin(), events_.end(), match); }, timeout);
  }
  // Waits until `done` holds for what is recorded (called with the mutex held).
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, done);
  }
  bool WaitForEvents(size_t count, std::chrono::milliseconds timeout = 5s) {
    return WaitUntil([&] { return events_.size() >= count; }, timeout);
  }
  bool WaitForSeat() {
    return WaitUntil([&] { return seat_ != nullptr || refused_; }) && seat_;
  }
  std::optional<grpc::Status> WaitForRefusal(std::chrono::milliseconds timeout = 5s) {
    WaitUntil([&] { return refused_.has_value(); }, timeout);
    std::lock_guard lock(mutex_);
    return refused_;
  }
  std::optional<grpc::Status> WaitForClose(std::chrono::milliseconds timeout = 5s) {
    WaitUntil([&] { return closed_.has_value(); }, timeout);
    std::lock_guard lock(mutex_);
    return closed_;
  }
  // Waits for an event of `kind` naming `who` (LEFT or JOINED); true when it came.
  bool WaitForPresence(greet::RoomEvent kind, const std::string& who,
                       std::chrono::milliseconds timeout = 5s) {
    return WaitUntil(
        [&] {
          for (const auto& event : events_) {
            if (event.event() != kind) continue;
            for (const auto& name : event.members()) {
              if (name == who) return true;
            }
          }
          return false;
        },
        timeout);
  }

  std::vector<greet::HelloReply> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  RoomSeat& seat() {
    std::lock_guard lock(mutex_);
    return *seat_;
  }

 private:
  template <typename F>
  void Locked(F&& change) {
    {
      std::lock_guard lock(mutex_);
      change();
    }
    changed_.notify_all();
  }

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<RoomSeat> seat_;
  std::optional<grpc::Status> refused_;
  std::optional<grpc::Status> closed_;
  bool cut_off_ = false;
  std::vector<greet::HelloReply> queued_;
  size_t flushed_ = 0;
  std::vector<greet::HelloReply> events_;  // flushed, in order
};

// One greeter-server's rooms: an engine on its own io_context and thread.
class Instance {
 public:
  Instance(const std::string& address, ServerLimits limits = {},
           std::chrono::milliseconds presence_expiry = 10s,
           std::chrono::milliseconds join_bound = 2s)
      : limits_(limits) {
    std::string error;
    RedisRoomsOptions options;
    options.address = *RedisAddress::Parse(address, error);
    options.presence_expiry = presence_expiry;
    options.join_bound = join_bound;
    options.on_availability = [this](bool reachable) {
      {
        std::lock_guard lock(mutex_);
        reachable_ = reachable;
      }
      changed_.notify_all();
    };
    engine_ = std::make_unique<RedisRooms>(limits_, io_context_, options);
    thread_ = std::thread([this] { io_context_.run(); });
  }
  ~Instance() {
    if (!killed_) {
      engine_->CloseAll({grpc::StatusCode::UNAVAILABLE, "the server is shutting down"});
      work_.reset();
    } else {
      io_context_.stop();
    }
    thread_.join();
    engine_.reset();
  }

  RoomEngine& engine() { return *engine_; }
  bool WaitReachable(bool reachable, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return reachable_ == reachable; });
  }
  // As a SIGKILL leaves it: nothing more runs, no goodbye to Redis.
  void Kill() {
    killed_ = true;
    io_context_.stop();
  }

  std::shared_ptr<RecordingMember> Join(const std::string& room, const std::string& name,
                                        std::optional<RoomResume> resume = std::nullopt,
                                        size_t capacity = 100'000) {
    auto member = std::make_shared<RecordingMember>(capacity);
    engine_->Join({room, name, resume}, member);
    return member;
  }

 private:
  ServerLimits limits_;
  asio::io_context io_context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_context_.get_executor()};
  std::unique_ptr<RedisRooms> engine_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool reachable_ = false;
  bool killed_ = false;
};

std::vector<std::string> Members(const greet::HelloReply& event) {
  return {event.members().begin(), event.members().end()};
}

// (event, sequence) pairs: what two members must agree on.
std::vector<std::pair<int, uint32_t>> Order(const std::vector<greet::HelloReply>& events,
                                            uint32_t after) {
  std::vector<std::pair<int, uint32_t>> order;
  for (const auto& event : events) {
    if (event.room_sequence() > after && event.event() != greet::WELCOME) {
      order.emplace_back(event.event(), event.room_sequence());
    }
  }
  return order;
}

class RedisRoomsTest : public ::testing::Test {
 protected:
  testing::RedisServer redis_;
};

TEST_F(RedisRoomsTest, MembersOnTwoInstancesShareOneOrder) {
  Instance first(redis_.address());
  Instance second(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true));
  ASSERT_TRUE(second.WaitReachable(true));

  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  ASSERT_TRUE(ann->WaitForEvents(1));
  auto bob = second.Join("lobby", "Bob");
  ASSERT_TRUE(bob->WaitForSeat());
  ASSERT_TRUE(bob->WaitForEvents(1));
  const auto bob_welcome = bob->events()[0];
  EXPECT_EQ(bob_welcome.event(), greet::WELCOME);
  EXPECT_EQ(Members(bob_welcome), std::vector<std::string>{"Ann"});
  EXPECT_EQ(bob_welcome.room_sequence(), 2u);
  EXPECT_EQ(bob_welcome.room_epoch(), ann->events()[0].room_epoch());
  ASSERT_TRUE(ann->WaitForPresence(greet::JOINED, "Bob"));

  for (int i = 0; i < 5; ++i) {
    ann->seat().Say("a" + std::to_string(i));
    bob->seat().Say("b" + std::to_string(i));
  }
  // WELCOME, JOINED Bob, 10 texts for Ann; WELCOME, 10 texts for Bob.
  ASSERT_TRUE(ann->WaitForEvents(12));
  ASSERT_TRUE(bob->WaitForEvents(11));
  const auto ann_order = Order(ann->events(), 2);
  EXPECT_EQ(ann_order, Order(bob->events(), 2));
  ASSERT_EQ(ann_order.size(), 10u);
  for (size_t i = 0; i < ann_order.size(); ++i) EXPECT_EQ(ann_order[i].second, 3 + i);
  // Each member's own texts keep their order.
  std::vector<std::string> from_ann;
  for (const auto& event : bob->events()) {
    if (event.event() == greet::MESSAGE && event.sender() == "Ann")
      from_ann.push_back(event.text());
  }
  EXPECT_EQ(from_ann, (std::vector<std::string>{"a0", "a1", "a2", "a3", "a4"}));

  bob->seat().Leave();
  ASSERT_TRUE(ann->WaitForPresence(greet::LEFT, "Bob"));
  EXPECT_EQ(ann->events().back().room_sequence(), 13u);
}

TEST_F(RedisRoomsTest, ThreeInstancesSeeEveryoneInWelcome) {
  Instance first(redis_.address()), second(redis_.address()), third(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true) && second.WaitReachable(true) && third.WaitReachable(true));
  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  auto bob = second.Join("lobby", "Bob");
  ASSERT_TRUE(bob->WaitForSeat());
  auto cy = third.Join("lobby", "Cy");
  ASSERT_TRUE(cy->WaitForSeat());
  ASSERT_TRUE(cy->WaitForEvents(1));
  EXPECT_EQ(Members(cy->events()[0]), (std::vector<std::string>{"Ann", "Bob"}));
  cy->seat().Say("hello");
  for (auto* member : {ann.get(), bob.get(), cy.get()}) {
    ASSERT_TRUE(member->WaitForEvent(
        [](const greet::HelloReply& event) { return event.event() == greet::MESSAGE; }));
    EXPECT_EQ(member->events().back().room_sequence(), 4u);
    EXPECT_EQ(member->events().back().message(), "Cy: hello");
  }
}

TEST_F(RedisRoomsTest, NameTakenOnAnotherInstanceIsRefused) {
  Instance first(redis_.address());
  Instance second(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true) && second.WaitReachable(true));
  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  auto again = second.Join("lobby", "Ann");
  const auto refusal = again->WaitForRefusal();
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(refusal->error_message(), "name: Ann is already in room lobby");
  // The same name in another room is another member.
  EXPECT_TRUE(second.Join("kitchen", "Ann")->WaitForSeat());
}

TEST_F(RedisRoomsTest, LimitsCountMembersAndRoomsOfEveryInstance) {
  ServerLimits limits;
  limits.max_room_members = 2;
  limits.max_rooms = 2;
  Instance first(redis_.address(), limits);
  Instance second(redis_.address(), limits);
  ASSERT_TRUE(first.WaitReachable(true) && second.WaitReachable(true));
  ASSERT_TRUE(first.Join("lobby", "Ann")->WaitForSeat());
  ASSERT_TRUE(second.Join("lobby", "Bob")->WaitForSeat());
  auto third = first.Join("lobby", "Cy");
  auto refusal = third->WaitForRefusal();
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refusal->error_message(), "room: lobby has its limit of 2 members");

  ASSERT_TRUE(second.Join("kitchen", "Dee")->WaitForSeat());
  auto attic = first.Join("attic", "Eve");
  refusal = attic->WaitForRefusal();
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refusal->error_message(), "room: the server has its limit of 2 rooms");
}

TEST_F(RedisRoomsTest, ResumeOnAnotherInstanceReplaysExactlyWhatWasMissed) {
  Instance first(redis_.address());
  Instance second(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true) && second.WaitReachable(true));
  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  auto bob = first.Join("lobby", "Bob");
  ASSERT_TRUE(bob->WaitForSeat());
  ASSERT_TRUE(bob->WaitForEvents(1));  // WELCOME at 2
  bob->seat().Say("before");
  ASSERT_TRUE(bob->WaitForEvents(2));  // 3
  const auto last_seen = bob->events().back();
  bob->seat().Leave();  // 4: LEFT Bob
  ASSERT_TRUE(ann->WaitForPresence(greet::LEFT, "Bob"));
  ann->seat().Say("one");  // 5
  ann->seat().Say("two");  // 6
  ASSERT_TRUE(ann->WaitForEvents(6));

  auto back =
      second.Join("lobby", "Bob", RoomResume{last_seen.room_sequence(), last_seen.room_epoch()});
  ASSERT_TRUE(back->WaitForSeat());
  ASSERT_TRUE(back->WaitForEvents(4));
  const auto events = back->events();
  std::vector<uint32_t> sequences;
  for (const auto& event : events) sequences.push_back(event.room_sequence());
  EXPECT_EQ(sequences, (std::vector<uint32_t>{4, 5, 6, 7}));
  EXPECT_EQ(events[1].text(), "one");
  EXPECT_EQ(events[2].text(), "two");
  EXPECT_EQ(events[3].event(), greet::WELCOME);
  EXPECT_EQ(events[3].replayed_events(), 3u);
  EXPECT_EQ(events[3].missed_events(), 0u);
  EXPECT_FALSE(events[3].history_lost());

  auto past = second.Join("lobby", "Cy", RoomResume{99, last_seen.room_epoch()});
  const auto refusal = past->WaitForRefusal();
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RedisRoomsTest, ShortHistoryCountsWhatWasMissed) {
  ServerLimits limits;
  limits.room_history = 2;
  Instance first(redis_.address(), limits);
  ASSERT_TRUE(first.WaitReachable(true));
  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  for (int i = 0; i < 5; ++i) ann->seat().Say(std::to_string(i));  // 2..6
  ASSERT_TRUE(ann->WaitForEvents(6));
  auto bob = first.Join("lobby", "Bob", RoomResume{1, ann->events()[0].room_epoch()});
  ASSERT_TRUE(bob->WaitForSeat());
  // The history holds two events once Bob's JOINED (7) is in it: 6 and 7.
  ASSERT_TRUE(bob->WaitForEvents(2));
  EXPECT_EQ(bob->events()[0].room_sequence(), 6u);
  const auto welcome = bob->events()[1];
  ASSERT_EQ(welcome.event(), greet::WELCOME);
  EXPECT_EQ(welcome.room_sequence(), 7u);
  EXPECT_EQ(welcome.replayed_events(), 1u);  // 6
  EXPECT_EQ(welcome.missed_events(), 4u);    // 2 to 5
}

TEST_F(RedisRoomsTest, AnInstanceThatStopsIsLeftWithinItsPresenceExpiry) {
  Instance survivor(redis_.address(), {}, 400ms);
  auto doomed = std::make_unique<Instance>(redis_.address(), ServerLimits{}, 400ms);
  ASSERT_TRUE(survivor.WaitReachable(true) && doomed->WaitReachable(true));
  auto ann = survivor.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  auto bob = doomed->Join("lobby", "Bob");
  ASSERT_TRUE(bob->WaitForSeat());
  ASSERT_TRUE(ann->WaitForPresence(greet::JOINED, "Bob"));
  const auto killed_at = std::chrono::steady_clock::now();
  doomed->Kill();
  // The expiry, and one sweep interval (a quarter of it) with room to spare.
  ASSERT_TRUE(ann->WaitForPresence(greet::LEFT, "Bob", 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 1500ms);
  EXPECT_EQ(ann->events().back().message(), "Bob left (their server stopped answering)");
  // Bob's name is free again.
  EXPECT_TRUE(survivor.Join("lobby", "Bob")->WaitForSeat());
}

TEST_F(RedisRoomsTest, AClosingInstanceItsMembersLeaveAtOnce) {
  Instance survivor(redis_.address());
  auto closing = std::make_unique<Instance>(redis_.address());
  ASSERT_TRUE(survivor.WaitReachable(true) && closing->WaitReachable(true));
  auto ann = survivor.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  auto bob = closing->Join("lobby", "Bob");
  ASSERT_TRUE(bob->WaitForSeat());
  closing.reset();  // CloseAll, as a server's drain does
  ASSERT_TRUE(ann->WaitForPresence(greet::LEFT, "Bob", 2s));
  EXPECT_EQ(ann->events().back().message(), "Bob left");
}

TEST_F(RedisRoomsTest, SlowConsumersAreCutOffInOneLeft) {
  Instance first(redis_.address());
  Instance second(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true) && second.WaitReachable(true));
  auto ann = second.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  auto slow1 = first.Join("lobby", "Slow1", std::nullopt, 4);
  ASSERT_TRUE(slow1->WaitForSeat());
  auto slow2 = first.Join("lobby", "Slow2", std::nullopt, 3);
  ASSERT_TRUE(slow2->WaitForSeat());
  for (int i = 0; i < 3; ++i) ann->seat().Say(std::to_string(i));
  ASSERT_TRUE(ann->WaitForEvent(
      [](const greet::HelloReply& event) { return event.event() == greet::LEFT; }));
  std::vector<greet::HelloReply> lefts;
  for (const auto& event : ann->events()) {
    if (event.event() == greet::LEFT) lefts.push_back(event);
  }
  ASSERT_EQ(lefts.size(), 1u);
  EXPECT_EQ(Members(lefts[0]), (std::vector<std::string>{"Slow1", "Slow2"}));
  EXPECT_EQ(lefts[0].message(), "Slow1 and Slow2 left (reading too slowly)");
}

TEST_F(RedisRoomsTest, RedisDownEndsMembersAndRefusesJoinsUntilItIsBack) {
  Instance first(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true));
  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  ASSERT_TRUE(ann->WaitForEvents(1));
  const uint64_t epoch = ann->events()[0].room_epoch();

  redis_.Stop();
  const auto closed = ann->WaitForClose();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(closed->error_message(),
            "the room service (redis at " + redis_.address() + ") is unreachable");
  ASSERT_TRUE(first.WaitReachable(false));
  const auto refusal = first.Join("lobby", "Bob")->WaitForRefusal();
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refusal->error_message(),
            "the room service (redis at " + redis_.address() + ") is unreachable");

  redis_.Start();  // empty: every room lost
  ASSERT_TRUE(first.WaitReachable(true));
  auto back = first.Join("lobby", "Ann", RoomResume{1, epoch});
  ASSERT_TRUE(back->WaitForSeat());
  ASSERT_TRUE(back->WaitForEvents(1));
  EXPECT_TRUE(back->events()[0].history_lost());
  EXPECT_NE(back->events()[0].room_epoch(), epoch);
  EXPECT_EQ(back->events()[0].room_sequence(), 1u);
}

TEST_F(RedisRoomsTest, ALostSubscriberConnectionEndsMembersAndFreesTheirNames) {
  Instance first(redis_.address());
  ASSERT_TRUE(first.WaitReachable(true));
  auto ann = first.Join("lobby", "Ann");
  ASSERT_TRUE(ann->WaitForSeat());
  // Only the subscribed connection goes: events could be missed, so the member ends, and Redis
  // must not keep seating it.
  const auto killed = testing::RunProgram(
      {"/usr/bin/redis-cli", "-s", redis_.socket_path(), "CLIENT", "KILL", "TYPE", "pubsub"});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  const auto closed = ann->WaitForClose();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(first.WaitReachable(true));
  auto again = first.Join("lobby", "Ann");
  ASSERT_TRUE(again->WaitForSeat());
  ASSERT_TRUE(again->WaitForEvents(1));
  EXPECT_TRUE(again->events()[0].members().empty());
}

TEST_F(RedisRoomsTest, AJoinRedisDoesNotAnswerFailsWithinItsBound) {
  Instance first(redis_.address(), {}, 10s, 300ms);
  ASSERT_TRUE(first.WaitReachable(true));
  ASSERT_TRUE(first.Join("lobby", "Ann")->WaitForSeat());  // subscribed to lobby
  redis_.Pause();
  const auto asked_at = std::chrono::steady_clock::now();
  auto bob = first.Join("lobby", "Bob");
  const auto refusal = bob->WaitForRefusal(3s);
  ASSERT_TRUE(refusal);
  EXPECT_LT(std::chrono::steady_clock::now() - asked_at, 1s);
  EXPECT_EQ(refusal->error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refusal->error_message(), "the room service (redis at " + redis_.address() +
                                          ") did not confirm the join within 300 ms");
  redis_.Resume();
}

}  // namespace
}  // namespace greeter

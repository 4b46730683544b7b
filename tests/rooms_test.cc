// Chat rooms on the bidi stream: joins, fan-out in one order, leaves, limits, slow consumers.

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <set>

#include "tests/support/child_process.h"
#include "tests/support/room_client.h"
#include "tests/support/test_server.h"
#include "tests/support/unused_port.h"

namespace greeter::testing {
namespace {

// Alice, then Bob, in the lobby; Alice has seen Bob join.
class AliceAndBob : public ::testing::Test {
 protected:
  AliceAndBob() {
    alice_.WaitFor(greet::WELCOME, "Alice");
    bob_ = std::make_unique<Member>(*stub_, "Bob", "lobby");
    alice_.WaitFor(greet::JOINED, "Bob");
  }
  TestServer server_;
  std::unique_ptr<greet::Greeter::Stub> stub_ = server_.NewStub();
  Member alice_{*stub_, "Alice", "lobby"};
  std::unique_ptr<Member> bob_;
};

TEST(Rooms, NewcomerIsWelcomedAndToldWhoIsThereAndTheOthersHearOfIt) {
  TestServer server;
  auto stub = server.NewStub();
  Member alice(*stub, "Alice", "lobby");
  const auto alone = alice.WaitFor(greet::WELCOME, "Alice");
  EXPECT_EQ(alone.message(), "Hello Alice, welcome to lobby");
  EXPECT_EQ(alone.room(), "lobby");
  EXPECT_TRUE(alone.members().empty());

  Member bob(*stub, "Bob", "lobby");
  const auto welcome = bob.WaitFor(greet::WELCOME, "Bob");
  EXPECT_EQ(std::vector<std::string>(welcome.members().begin(), welcome.members().end()),
            std::vector<std::string>{"Alice"});
  const auto joined = alice.WaitFor(greet::JOINED, "Bob");
  EXPECT_EQ(joined.message(), "Bob joined");
  EXPECT_EQ(joined.room_sequence(), welcome.room_sequence());  // one event, one number
}

TEST_F(AliceAndBob, EveryMessageReachesEveryMemberTheSenderIncluded) {
  auto& bob = *bob_;
  auto& alice = alice_;
  alice.Say("hi Bob");
  bob.Say("hi Alice");
  const auto alice_saw = alice.WaitForMessages(2);
  const auto bob_saw = bob.WaitForMessages(2);
  ASSERT_EQ(alice_saw.size(), 2u);
  ASSERT_EQ(bob_saw.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {  // the same order, with the same numbers, for both
    EXPECT_EQ(alice_saw[i].room_sequence(), bob_saw[i].room_sequence());
    EXPECT_EQ(alice_saw[i].text(), bob_saw[i].text());
    EXPECT_EQ(alice_saw[i].sender(), bob_saw[i].sender());
  }
  const auto from_alice = bob.WaitFor(greet::MESSAGE, "Alice");
  EXPECT_EQ(from_alice.text(), "hi Bob");
  EXPECT_EQ(from_alice.message(), "Alice: hi Bob");
}

TEST(Rooms, AHundredMembersAllSeeEveryMessageInTheSameOrder) {
  TestServer server;
  auto stub = server.NewStub();
  constexpr size_t kMembers = 100;
  std::vector<std::unique_ptr<Member>> members;
  for (size_t i = 0; i < kMembers; ++i) {
    members.push_back(std::make_unique<Member>(*stub, "m" + std::to_string(i), "big"));
    members.back()->WaitFor(greet::WELCOME, "m" + std::to_string(i));
  }
  for (size_t i = 0; i < kMembers; ++i) members[i]->Say("from m" + std::to_string(i));
  const auto reference = members[0]->WaitForMessages(kMembers);
  ASSERT_EQ(reference.size(), kMembers);
  for (size_t i = 1; i < kMembers; ++i) {
    const auto seen = members[i]->WaitForMessages(kMembers);
    ASSERT_EQ(seen.size(), kMembers) << "member " << i;
    for (size_t j = 0; j < kMembers; ++j) {
      ASSERT_EQ(seen[j].room_sequence(), reference[j].room_sequence()) << "member " << i;
      ASSERT_EQ(seen[j].text(), reference[j].text());
    }
  }
  for (size_t j = 1; j < kMembers; ++j) {
    EXPECT_GT(reference[j].room_sequence(), reference[j - 1].room_sequence());
  }
}

TEST(Rooms, ASecondMemberWithATakenNameGetsAlreadyExists) {
  TestServer server;
  auto stub = server.NewStub();
  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  Member impostor(*stub, "Alice", "lobby");
  const auto status = impostor.WaitForStatus();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(status.error_message(), "name: Alice is already in room lobby");
  Member elsewhere(*stub, "Alice", "kitchen");  // names are unique per room only
  elsewhere.WaitFor(greet::WELCOME, "Alice");
}

TEST_F(AliceAndBob, HalfCloseLeavesTheRoomAndTheOthersAreTold) {
  auto& bob = *bob_;
  auto& alice = alice_;
  bob.Leave();
  EXPECT_TRUE(bob.WaitForStatus().ok());
  EXPECT_EQ(alice.WaitFor(greet::LEFT, "Bob").message(), "Bob left");
}

TEST_F(AliceAndBob, CancelLeavesTheRoomPromptly) {
  bob_->Cancel();
  alice_.WaitFor(greet::LEFT, "Bob");
  Member bob_again(*stub_, "Bob", "lobby");  // the name is free again
  bob_again.WaitFor(greet::WELCOME, "Bob");
}

TEST(Rooms, AKilledClientIsRemovedAndTheRoomIsTold) {
  TestServer server;
  auto stub = server.NewStub();
  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  ChildProcess bob(
      {GREETER_CLIENT_BIN, "--target", server.target(), "chat", "Bob", "--room", "lobby"});
  alice.WaitFor(greet::JOINED, "Bob");
  bob.Signal(SIGKILL);
  alice.WaitFor(greet::LEFT, "Bob");
}

TEST(Rooms, TextIsRequiredAndLimitedAndABadOneEndsOnlyThatMember) {
  ServerLimits limits;
  limits.max_text_bytes = 10;
  TestServer server(limits);
  auto stub = server.NewStub();
  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  Member bob(*stub, "Bob", "lobby");
  bob.WaitFor(greet::WELCOME, "Bob");
  bob.Say("far too long a text");
  const auto status = bob.WaitForStatus();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "text: must be 1 to 10 bytes of UTF-8, got 19");
  alice.WaitFor(greet::LEFT, "Bob");
  alice.Say("still here");
  EXPECT_EQ(alice.WaitFor(greet::MESSAGE, "Alice").text(), "still here");
}

TEST(Rooms, RoomAndMemberLimitsAreResourceExhausted) {
  ServerLimits limits;
  limits.max_rooms = 1;
  limits.max_room_members = 2;
  TestServer server(limits);
  auto stub = server.NewStub();
  Member a(*stub, "A", "one");
  a.WaitFor(greet::WELCOME, "A");
  Member b(*stub, "B", "one");
  b.WaitFor(greet::WELCOME, "B");
  Member c(*stub, "C", "one");
  EXPECT_EQ(c.WaitForStatus().error_message(), "room: one has its limit of 2 members");
  Member d(*stub, "D", "two");
  const auto status = d.WaitForStatus();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "room: the server has its limit of 1 rooms");
}

TEST(Rooms, AnEmptyRoomIsRemoved) {
  ServerLimits limits;
  limits.max_rooms = 1;
  TestServer server(limits);
  auto stub = server.NewStub();
  {
    Member a(*stub, "A", "first");
    a.WaitFor(greet::WELCOME, "A");
    a.Leave();
    EXPECT_TRUE(a.WaitForStatus().ok());
  }
  Member b(*stub, "B", "second");  // the only room slot is free again
  b.WaitFor(greet::WELCOME, "B");
}

TEST(Rooms, AMemberThatNeverReadsIsCutOffWhileTheOthersGetEverything) {
  ServerLimits limits;
  limits.room_member_queue = 8;
  limits.max_text_bytes = 48 * 1024;
  limits.max_receive_message_bytes = 64 * 1024;
  limits.slow_consumer_grace = 30s;  // so the status it gets is the policy's, not a cancel
  TestServer server(limits);
  auto stub = server.NewStub();

  // The slow member: joins, then reads nothing until the end.
  grpc::ClientContext slow_context;
  auto slow = stub->SayHelloBidiStream(&slow_context);
  ASSERT_TRUE(slow->Write(CallSettings{}.JoinRequest("Slow", "lobby")));

  Member talker(*stub, "Talker", "lobby");
  talker.WaitFor(greet::WELCOME, "Talker");
  Member listener(*stub, "Listener", "lobby");
  listener.WaitFor(greet::WELCOME, "Listener");

  // The others keep up (the talker waits for each message to reach the listener); the slow
  // member's windows fill, then its queue, and it is cut off.
  constexpr size_t kMessages = 300;  // 14 MiB: far more than the slow member's windows hold
  const std::string text(48 * 1024 - 8, 'x');
  for (size_t i = 1; i <= kMessages; ++i) {
    talker.Say(text);
    listener.WaitForMessageCount(i);
  }
  talker.WaitForMessageCount(kMessages);
  listener.WaitFor(greet::LEFT, "Slow");  // the room was told

  // Now the slow member reads: what had reached it, then the policy's status.
  greet::HelloReply reply;
  size_t received = 0;
  while (slow->Read(&reply)) ++received;
  EXPECT_LT(received, kMessages);
  const auto status = slow->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("reads too slowly"), std::string::npos)
      << status.error_message();
}

// A channel whose streams take at most 16 KiB before the application reads (no BDP probing to
// grow the window): one 40 KiB text is then a write the server cannot finish until it reads.
std::shared_ptr<grpc::Channel> SmallWindowChannel(const TestServer& server) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 1 << 20);
  return grpc::CreateCustomChannel(server.target(), grpc::InsecureChannelCredentials(), args);
}

ServerLimits SmallRoomQueue() {
  ServerLimits limits;
  limits.room_member_queue = 8;
  limits.max_text_bytes = 48 * 1024;
  limits.max_receive_message_bytes = 64 * 1024;
  limits.slow_consumer_grace = 30s;  // a cut-off member's status is the policy's, not a cancel
  return limits;
}

TEST(Rooms, AMemberThatStopsReadingEntirelyHasItsStuckWriteCancelledAfterTheGrace) {
  auto limits = SmallRoomQueue();
  limits.slow_consumer_grace = 300ms;
  TestServer server(limits);
  auto stub = server.NewStub();
  auto stuck_stub = greet::Greeter::NewStub(SmallWindowChannel(server));
  grpc::ClientContext stuck_context;
  auto stuck = stuck_stub->SayHelloBidiStream(&stuck_context);
  ASSERT_TRUE(stuck->Write(CallSettings{}.JoinRequest("Stuck", "lobby")));
  Member talker(*stub, "Talker", "lobby");
  talker.WaitFor(greet::WELCOME, "Talker");
  // One text its window cannot take, then its queue's worth and one more: cut off, with a
  // write still stuck, which the grace then cancels.
  for (size_t i = 1; i <= 10; ++i) {
    talker.Say(std::string(40 * 1024, 'x'));
    talker.WaitForMessageCount(i);
  }
  talker.WaitFor(greet::LEFT, "Stuck");
  const auto record = server.WaitForCall(10s);  // the stuck member's, once cancelled
  EXPECT_EQ(record.code, grpc::StatusCode::CANCELLED);
  EXPECT_NE(record.message.find("fell 8 messages behind"), std::string::npos) << record.message;
  EXPECT_NE(record.message.find("its write stayed stuck for 300 ms more"), std::string::npos)
      << record.message;
  stuck_context.TryCancel();
  stuck->Finish();
}

TEST(Rooms, ACrowdJoiningAtOnceIsAnnouncedInAFewJoinedEventsNamingEveryone) {
  TestServer server;
  auto stub = server.NewStub();
  Member reader(*stub, "Reader", "lobby");
  reader.WaitFor(greet::WELCOME, "Reader");
  constexpr int kCrowd = 50;
  std::vector<std::unique_ptr<Member>> crowd;
  for (int i = 0; i < kCrowd; ++i) {  // all at once: no one waits for its WELCOME
    crowd.push_back(std::make_unique<Member>(*stub, "c" + std::to_string(i), "lobby"));
  }
  for (size_t i = 0; i < crowd.size(); ++i)
    crowd[i]->WaitFor(greet::WELCOME, "c" + std::to_string(i));
  std::multiset<std::string> announced;
  int joined_events = 0;
  reader.WaitForEvent([&](const greet::HelloReply& e) {
    if (e.event() == greet::JOINED) {
      ++joined_events;
      for (const auto& name : e.members()) announced.insert(name);
    }
    return announced.size() >= kCrowd;
  });
  EXPECT_EQ(announced.size(), size_t{kCrowd});
  for (int i = 0; i < kCrowd; ++i) EXPECT_EQ(announced.count("c" + std::to_string(i)), 1u);
  EXPECT_LE(joined_events, kCrowd / 2) << "joins arriving together should share JOINED events";
  // The last ones announced were welcomed into a room holding everyone else: the reader and
  // the rest of the crowd.
  int most_present = 0;
  for (size_t i = 0; i < crowd.size(); ++i) {
    const auto welcome = crowd[i]->WaitFor(greet::WELCOME, "c" + std::to_string(i));
    most_present = std::max(most_present, welcome.members_size());
  }
  EXPECT_EQ(most_present, kCrowd);
}

TEST(Rooms, JoinsAndLeavesWhileAMemberIsBehindDoNotCutItOff) {
  TestServer server(SmallRoomQueue());
  auto stub = server.NewStub();
  auto reader_stub = greet::Greeter::NewStub(SmallWindowChannel(server));
  grpc::ClientContext reader_context;
  auto reader = reader_stub->SayHelloBidiStream(&reader_context);
  ASSERT_TRUE(reader->Write(CallSettings{}.JoinRequest("Reader", "lobby")));
  greet::HelloReply reply;
  ASSERT_TRUE(reader->Read(&reply));
  ASSERT_EQ(reply.event(), greet::WELCOME);

  Member talker(*stub, "Talker", "lobby");
  talker.WaitFor(greet::WELCOME, "Talker");
  talker.Say(std::string(40 * 1024, 'x'));  // the reader's write of it waits for the reader
  talker.WaitForMessageCount(1);
  constexpr int kVisitors = 40;  // 80 presence events: ten times the reader's queue of 8
  for (int i = 0; i < kVisitors; ++i) {
    const std::string name = "visitor" + std::to_string(i);
    Member visitor(*stub, name, "lobby");
    visitor.WaitFor(greet::WELCOME, name);
  }  // each one cancels as it goes: LEFT
  talker.WaitForEvent([&](const greet::HelloReply& e) {
    return e.event() == greet::LEFT && e.sender() == "visitor" + std::to_string(kVisitors - 1);
  });
  talker.Say("last");
  talker.WaitForMessageCount(2);

  // Now the reader reads: everything, in the room's order, the last text included.
  int joined = 0, left = 0, texts = 0;
  uint32_t last_sequence = reply.room_sequence();
  while (texts < 2 && reader->Read(&reply)) {
    EXPECT_GT(reply.room_sequence(), last_sequence);
    last_sequence = reply.room_sequence();
    joined += reply.event() == greet::JOINED;
    left += reply.event() == greet::LEFT;
    texts += reply.event() == greet::MESSAGE;
  }
  EXPECT_EQ(texts, 2) << "the reader was cut off";
  EXPECT_EQ(joined, kVisitors + 1);  // the talker too
  EXPECT_EQ(left, kVisitors);
  EXPECT_TRUE(reply.text() == "last") << "the last event read is not the last text";
  reader->WritesDone();
  while (reader->Read(&reply)) {
  }
  EXPECT_TRUE(reader->Finish().ok());
}

TEST(Rooms, CuttingOffManySlowMembersCostsTheOthersOneLeftEvent) {
  TestServer server(SmallRoomQueue());
  auto stub = server.NewStub();
  auto slow_stub = greet::Greeter::NewStub(SmallWindowChannel(server));
  constexpr int kSlow = 20;
  std::vector<std::unique_ptr<grpc::ClientContext>> slow_contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<greet::HelloRequest, greet::HelloReply>>>
      slow;
  Member reader(*stub, "Reader", "lobby");
  reader.WaitFor(greet::WELCOME, "Reader");
  for (int i = 0; i < kSlow; ++i) {  // they join and never read
    slow_contexts.push_back(std::make_unique<grpc::ClientContext>());
    slow.push_back(slow_stub->SayHelloBidiStream(slow_contexts.back().get()));
    ASSERT_TRUE(
        slow.back()->Write(CallSettings{}.JoinRequest("slow" + std::to_string(i), "lobby")));
    reader.WaitFor(greet::JOINED, "slow" + std::to_string(i));
  }
  // One text the slow members' windows cannot take, then their queues' worth and one more: the
  // same text cuts off all of them (or the one before, for a member whose stuck write began a
  // text later), and each text that cuts off members announces them in one LEFT.
  constexpr size_t kTexts = 1 + 8 + 1;
  for (size_t i = 1; i <= kTexts; ++i) {
    reader.Say(std::string(40 * 1024, 'x'));
    reader.WaitForMessageCount(i);
  }
  std::set<std::string> gone;
  int left_events = 0;
  std::string first_message;
  reader.WaitForEvent([&](const greet::HelloReply& e) {
    if (e.event() == greet::LEFT) {
      if (++left_events == 1) first_message = e.message();
      for (const auto& name : e.members()) gone.insert(name);
    }
    return gone.size() >= size_t{kSlow};
  });
  EXPECT_EQ(gone.size(), size_t{kSlow});
  EXPECT_LE(left_events, 2) << "one LEFT per text that cut members off";
  EXPECT_NE(first_message.find("others left (reading too slowly)"), std::string::npos)
      << first_message;
  reader.Say("still here");
  reader.WaitForMessageCount(kTexts + 1);
  for (auto& context : slow_contexts) context->TryCancel();
  for (auto& stream : slow) stream->Finish();
}

class ResumeAfterALostConnection : public ::testing::Test {
 protected:
  explicit ResumeAfterALostConnection(size_t history = 1000)
      : server_([&] {
          ServerLimits limits;
          limits.room_history = history;
          return limits;
        }()) {}

  // Bob joins beside Alice, then his connection is lost; Alice says `texts` things meanwhile.
  // Returns what Bob had seen last: its room_sequence and room_epoch.
  std::pair<uint32_t, uint64_t> BobIsAwayWhile(int texts) {
    alice_.WaitFor(greet::WELCOME, "Alice");
    uint32_t last_seen = 0;
    uint64_t epoch = 0;
    {
      Member bob(*stub_, "Bob", "lobby");
      const auto welcome = bob.WaitFor(greet::WELCOME, "Bob");
      last_seen = welcome.room_sequence();
      epoch = welcome.room_epoch();
      alice_.WaitFor(greet::JOINED, "Bob");
    }  // cancelled: the connection is lost
    alice_.WaitFor(greet::LEFT, "Bob");
    for (int i = 1; i <= texts; ++i) alice_.Say("while away " + std::to_string(i));
    alice_.WaitForMessageCount(static_cast<size_t>(texts));
    return {last_seen, epoch};
  }

  // Bob joins again with resume_after, on a raw stream (rejoin_); returns what he reads up to
  // and including his WELCOME.
  std::vector<greet::HelloReply> BobRejoins(uint32_t after, uint64_t epoch) {
    rejoin_context_.set_deadline(In(10s));
    rejoin_ = stub_->SayHelloBidiStream(&rejoin_context_);
    auto request = CallSettings{}.JoinRequest("Bob", "lobby");
    request.set_resume_after(after);
    request.set_resume_epoch(epoch);
    EXPECT_TRUE(rejoin_->Write(request));
    std::vector<greet::HelloReply> read;
    greet::HelloReply reply;
    while (rejoin_->Read(&reply)) {
      read.push_back(reply);
      if (reply.event() == greet::WELCOME) break;
    }
    return read;
  }
  ~ResumeAfterALostConnection() override {
    if (rejoin_) rejoin_context_.TryCancel();
  }

  TestServer server_;
  std::unique_ptr<greet::Greeter::Stub> stub_ = server_.NewStub();
  Member alice_{*stub_, "Alice", "lobby"};
  grpc::ClientContext rejoin_context_;
  std::unique_ptr<grpc::ClientReaderWriter<greet::HelloRequest, greet::HelloReply>> rejoin_;
};

TEST_F(ResumeAfterALostConnection, EveryEventMissedIsReplayedInOrderThenTheLiveOnes) {
  const auto [last_seen, epoch] = BobIsAwayWhile(3);
  const auto read = BobRejoins(last_seen, epoch);
  ASSERT_EQ(read.size(), 5u);  // Bob's own LEFT, three texts, the WELCOME
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(read[i].room_sequence(), last_seen + 1 + i);
  // `sequence` stays the position in this member's own stream, the WELCOME included.
  for (size_t i = 0; i < read.size(); ++i) EXPECT_EQ(read[i].sequence(), i + 1);
  EXPECT_EQ(read[0].event(), greet::LEFT);
  EXPECT_EQ(read[3].text(), "while away 3");
  const auto& welcome = read[4];
  EXPECT_EQ(welcome.replayed_events(), 4u);
  EXPECT_EQ(welcome.missed_events(), 0u);
  EXPECT_FALSE(welcome.history_lost());
  EXPECT_EQ(welcome.room_sequence(), last_seen + 5);  // Bob's JOINED
  alice_.Say("live");
  greet::HelloReply live;
  ASSERT_TRUE(rejoin_->Read(&live));
  EXPECT_EQ(live.text(), "live");
  EXPECT_EQ(live.room_sequence(), last_seen + 6);  // no gap, no duplicate
  EXPECT_EQ(live.sequence(), 6u);
}

class ResumeWithAShortHistory : public ResumeAfterALostConnection {
 protected:
  ResumeWithAShortHistory() : ResumeAfterALostConnection(2) {}
};

TEST_F(ResumeWithAShortHistory, WhatHistoryNoLongerHoldsIsCountedAsMissed) {
  const auto [last_seen, epoch] = BobIsAwayWhile(5);  // 6 events: LEFT and 5 texts
  const auto read = BobRejoins(last_seen, epoch);
  ASSERT_EQ(read.size(), 2u);  // the last text only (the history's other event is Bob's JOINED)
  EXPECT_EQ(read[0].text(), "while away 5");
  EXPECT_EQ(read[1].event(), greet::WELCOME);
  EXPECT_EQ(read[1].replayed_events(), 1u);
  EXPECT_EQ(read[1].missed_events(), 5u);
  EXPECT_FALSE(read[1].history_lost());
}

TEST_F(ResumeAfterALostConnection, AnotherEpochSaysHistoryIsLostAndReplaysNothing) {
  const auto [last_seen, epoch] = BobIsAwayWhile(1);
  const auto read = BobRejoins(last_seen, epoch + 1);  // a restarted room
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].event(), greet::WELCOME);
  EXPECT_TRUE(read[0].history_lost());
  EXPECT_EQ(read[0].replayed_events(), 0u);
  EXPECT_NE(read[0].room_epoch(), epoch + 1);
}

TEST_F(ResumeAfterALostConnection, AResumePastTheRoomsLastEventIsInvalid) {
  const auto [last_seen, epoch] = BobIsAwayWhile(0);
  const auto read = BobRejoins(last_seen + 100, epoch);
  EXPECT_TRUE(read.empty());
  const auto status = rejoin_->Finish();
  rejoin_.reset();  // finished: nothing to cancel
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("resume_after"), std::string::npos)
      << status.error_message();
}

// greeter-client chat NAME --room ROOM, as a process, across a server restart on one port.
TEST(RoomChatRejoin, TheClientRejoinsByItselfAfterAServerRestartAndSaysHistoryWasLost) {
  const int port = UnusedPort();
  auto server = std::make_unique<TestServer>(ServerLimits{}, port);
  ChildProcess bob({GREETER_CLIENT_BIN, "--target", "127.0.0.1:" + std::to_string(port), "chat",
                    "Bob", "--room", "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("welcome to lobby") != std::string::npos) << line.value_or("");

  server.reset();  // Bob's chat ends UNAVAILABLE "the server is shutting down"
  server = std::make_unique<TestServer>(ServerLimits{}, port);
  do {
    line = bob.ReadStdoutLine(40s);
  } while (line && line->find("welcome back to lobby") == std::string::npos);
  if (!line) {
    const auto exit_code = bob.Wait(5s);
    FAIL() << "no rejoin; exit " << exit_code.value_or(-1) << "; stdout:\n"
           << bob.stdout_text() << "stderr:\n"
           << bob.stderr_text();
  }

  auto stub = server->NewStub();
  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  bob.WriteStdin("hi again\n");  // sent on the rejoined call
  const auto said = alice.WaitFor(greet::MESSAGE, "Bob");
  EXPECT_EQ(said.text(), "hi again");
  bob.CloseStdin();
  EXPECT_EQ(bob.Wait(10s), 0);
  EXPECT_NE(bob.stdout_text().find("rejoining lobby"), std::string::npos) << bob.stdout_text();
  EXPECT_NE(bob.stdout_text().find("its history is lost"), std::string::npos) << bob.stdout_text();
  // Said once, though a rejoin tried while the old server still drained failed too.
  const auto& out = bob.stdout_text();
  EXPECT_EQ(out.find("lost the room"), out.rfind("lost the room")) << out;
}

TEST(RoomChatRejoin, AChatWhoseServerDoesNotComeBackEndsUnavailableSayingSo) {
  auto server = std::make_unique<TestServer>();
  ChildProcess bob(
      {GREETER_CLIENT_BIN, "--target", server->target(), "chat", "Bob", "--room", "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("welcome to lobby") != std::string::npos) << line.value_or("");
  server.reset();  // and no server comes back: the client waits 30 s for one
  EXPECT_EQ(bob.Wait(45s), 64 + grpc::StatusCode::UNAVAILABLE) << bob.stderr_text();
  EXPECT_NE(bob.stderr_text().find("UNAVAILABLE: could not reconnect to rejoin lobby within 30 s"),
            std::string::npos)
      << bob.stderr_text();
}

TEST(RoomChatRejoin, TextsSaidWhileTheClientWasAwayAreShownOnceWhenItRejoins) {
  // Connections end after 1 s (their calls cut 100 ms later), the room stays: Bob's client
  // rejoins on a new connection and resumes.
  ConnectionOptions connection;
  connection.max_connection_age = 1s;
  connection.max_connection_age_grace = 100ms;
  TestServer server(connection);
  auto alice_stub = greet::Greeter::NewStub(
      grpc::CreateCustomChannel(server.target(), grpc::InsecureChannelCredentials(), [] {
        grpc::ChannelArguments args;
        args.SetInt("grpc.dummy_so_alice_has_her_own_connection", 1);
        return args;
      }()));
  ChildProcess bob(
      {GREETER_CLIENT_BIN, "--target", server.target(), "chat", "Bob", "--room", "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("welcome to lobby") != std::string::npos) << line.value_or("");
  std::vector<std::string> seen;
  // Reads Bob's output up to a line containing `wanted`; false if none comes in time.
  auto read_until = [&](const std::string& wanted, std::chrono::milliseconds timeout) {
    for (auto next = bob.ReadStdoutLine(timeout); next; next = bob.ReadStdoutLine(timeout)) {
      seen.push_back(*next);
      if (next->find(wanted) != std::string::npos) return true;
    }
    return false;
  };
  auto alice_says = [&](const std::string& text) {
    // A call of her own each time: connections age too, and a join the closing connection cut
    // (on a loaded machine, or a join's round trip to Redis) is made again.
    for (int attempt = 1; attempt <= 3; ++attempt) {
      Member alice(*alice_stub, "Alice", "lobby");
      const auto cut = alice.WaitForWelcomeOrEnd();
      if (!cut) {
        alice.Say(text);
        alice.WaitForMessageCount(1);
        return;
      }
      EXPECT_NE(attempt, 3) << "Alice could not join: " << cut->error_message();
    }
  };
  for (int cycle = 1; cycle <= 2; ++cycle) {
    const std::string n = std::to_string(cycle);
    ASSERT_TRUE(read_until("lost the room", 5s)) << bob.stdout_text();
    alice_says("while away " + n);  // replayed, or live if Bob was already back
    ASSERT_TRUE(read_until("rejoined lobby", 10s)) << bob.stdout_text();
    alice_says("after " + n);
    ASSERT_TRUE(read_until(": after " + n, 5s)) << bob.stdout_text();
  }
  // Leave right after a rejoin, on a connection with its whole second ahead: a half-close the
  // aging connection cut before the server answered it would end the chat UNAVAILABLE.
  ASSERT_TRUE(read_until("rejoined lobby", 10s)) << bob.stdout_text();
  bob.CloseStdin();
  EXPECT_EQ(bob.Wait(10s), 0) << bob.stderr_text();
  for (const std::string text : {"while away 1", "after 1", "while away 2", "after 2"}) {
    EXPECT_EQ(std::count_if(seen.begin(), seen.end(),
                            [&](const std::string& l) { return l.ends_with(": " + text); }),
              1)
        << text << " not seen exactly once; stdout:\n"
        << bob.stdout_text();
  }
}

// A chat never welcomed has no seat of its own to wait out: a name someone else holds ends it
// at once, even when its first join was lost (the server was not up yet).
TEST(RoomChatRejoin, ANameTakenWhenTheFirstJoinWasLostEndsTheChatAtOnce) {
  const int port = UnusedPort();
  ChildProcess bob({GREETER_CLIENT_BIN, "--target", "127.0.0.1:" + std::to_string(port), "chat",
                    "Bob", "--room", "lobby"});
  auto line = bob.ReadStdoutLine(10s);
  ASSERT_TRUE(line && line->find("rejoining lobby") != std::string::npos) << line.value_or("");
  TestServer server({}, port);
  auto stub = server.NewStub();
  Member other_bob(*stub, "Bob", "lobby");
  other_bob.WaitFor(greet::WELCOME, "Bob");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(bob.Wait(20s), 64 + grpc::StatusCode::ALREADY_EXISTS) << bob.stdout_text();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);  // not the 30 s of a held seat
  EXPECT_EQ(bob.stdout_text().find("old seat"), std::string::npos) << bob.stdout_text();
}

TEST(Rooms, ServerShutdownEndsEveryMemberWithUnavailableWithoutWaitingOutTheDrain) {
  TestServer server;
  auto stub = server.NewStub();
  Member alice(*stub, "Alice", "lobby");
  alice.WaitFor(greet::WELCOME, "Alice");
  Member bob(*stub, "Bob", "kitchen");
  bob.WaitFor(greet::WELCOME, "Bob");
  const auto start = std::chrono::steady_clock::now();
  server.Shutdown(30s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  for (auto* member : {&alice, &bob}) {
    const auto status = member->WaitForStatus();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(status.error_message(), "the server is shutting down");
  }
}

}  // namespace
}  // namespace greeter::testing

// What /who lists: the members a chat's room events name.

#include "client/room_members.h"

#include <gtest/gtest.h>

namespace greeter {
namespace {

greet::HelloReply Event(greet::RoomEvent event, std::string sender = "",
                        std::vector<std::string> members = {}) {
  greet::HelloReply reply;
  reply.set_event(event);
  reply.set_sender(std::move(sender));
  for (auto& member : members) reply.add_members(std::move(member));
  return reply;
}

TEST(RoomMembers, FollowTheWelcomeJoinsAndLeaves) {
  RoomMembers members("lobby", "Ada");
  members.Apply(Event(greet::WELCOME, "", {"Alice", "Bob"}));
  members.Apply(Event(greet::JOINED, "Cy"));
  members.Apply(Event(greet::MESSAGE, "Cy"));
  EXPECT_EQ(members.Ask(), "here in lobby: you (Ada), Alice, Bob, Cy");
  members.Apply(Event(greet::LEFT, "Alice"));
  EXPECT_EQ(members.Ask(), "here in lobby: you (Ada), Bob, Cy");
}

TEST(RoomMembers, WhoAskedBeforeTheWelcomeIsAnsweredByIt) {
  RoomMembers members("lobby", "Ada");
  EXPECT_EQ(members.Ask(), std::nullopt);
  EXPECT_EQ(members.Ask(), std::nullopt);
  EXPECT_TRUE(members.Apply(Event(greet::JOINED, "Cy")).empty());  // not the room's list yet
  EXPECT_EQ(members.Apply(Event(greet::WELCOME, "", {"Bob"})),
            std::vector<std::string>(2, "here in lobby: you (Ada), Bob"));
  EXPECT_TRUE(members.Apply(Event(greet::JOINED, "Cy")).empty());  // each asked once
}

TEST(RoomMembers, WhoWhileTheRoomIsRejoinedWaitsForTheNewWelcome) {
  RoomMembers members("lobby", "Ada");
  members.Apply(Event(greet::WELCOME, "", {"Bob"}));
  members.Lost();
  EXPECT_EQ(members.Ask(), std::nullopt);  // not the list from before the loss
  EXPECT_EQ(members.Apply(Event(greet::WELCOME, "", {"Cy"})),
            std::vector<std::string>{"here in lobby: you (Ada), Cy"});
}

TEST(RoomMembers, OneLeftListingManyRemovesEachOfThem) {
  RoomMembers members("lobby", "Ada");
  members.Apply(Event(greet::WELCOME, "", {"slow0", "slow1", "Bob"}));
  // The members one event cut off leave together: `members` lists them, `sender` is one.
  members.Apply(Event(greet::LEFT, "slow0", {"slow0", "slow1"}));
  EXPECT_EQ(members.Ask(), "here in lobby: you (Ada), Bob");
}

}  // namespace
}  // namespace greeter

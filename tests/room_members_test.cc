// What /who lists: the members a chat's room events name.

#include "client/repl/room_members.h"

#include <gtest/gtest.h>

namespace greeter::repl {
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
  RoomMembers members;
  members.Apply(Event(greet::WELCOME, "", {"Alice", "Bob"}));
  members.Apply(Event(greet::JOINED, "Cy"));
  members.Apply(Event(greet::MESSAGE, "Cy"));
  EXPECT_EQ(members.Text("lobby", "Ada"), "here in lobby: you (Ada), Alice, Bob, Cy");
  members.Apply(Event(greet::LEFT, "Alice"));
  EXPECT_EQ(members.Text("lobby", "Ada"), "here in lobby: you (Ada), Bob, Cy");
}

TEST(RoomMembers, OneLeftListingManyRemovesEachOfThem) {
  RoomMembers members;
  members.Apply(Event(greet::WELCOME, "", {"slow0", "slow1", "Bob"}));
  // The members one event cut off leave together: `members` lists them, `sender` is one.
  members.Apply(Event(greet::LEFT, "slow0", {"slow0", "slow1"}));
  EXPECT_EQ(members.Text("lobby", "Ada"), "here in lobby: you (Ada), Bob");
}

}  // namespace
}  // namespace greeter::repl

#include "client/reply_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace greeter {
namespace {

greet::HelloReply Reply(const std::string& message, uint32_t sequence, uint32_t count) {
  greet::HelloReply reply;
  reply.set_message(message);
  reply.set_sequence(sequence);
  reply.set_count(count);
  return reply;
}

TEST(ReplyPrinter, TextIsTheGreetingWithTheNumberOfNamesForACollect) {
  std::ostringstream out;
  ReplyPrinter printer(out, false);
  printer.Print("SayHello", Reply("Hello Alice", 0, 0));
  printer.Print("SayHelloClientStream", Reply("Hello Alice and Bob", 0, 2));
  printer.Print("SayHelloClientStream", Reply("Hello Alice", 0, 1));
  printer.Note("a note");
  EXPECT_EQ(out.str(),
            "Hello Alice\nHello Alice and Bob (2 names)\nHello Alice (1 name)\na note\n");
}

TEST(ReplyPrinter, JsonIsOneObjectPerLineAndLeavesNotesOut) {
  std::ostringstream out;
  ReplyPrinter printer(out, true);
  auto reply = Reply("Hello \"Zoë\"", 2, 0);
  reply.mutable_call()->set_peer("ipv4:127.0.0.1:1");
  printer.Print("SayHelloBidiStream", reply);
  printer.Note("a note");
  EXPECT_EQ(out.str(),
            "{\"method\":\"SayHelloBidiStream\",\"message\":\"Hello \\\"Zoë\\\"\",\"sequence\":2,"
            "\"call\":{\"peer\":\"ipv4:127.0.0.1:1\"}}\n");
}

TEST(ReplyPrinter, JsonOfAClientStreamAlwaysHasTheCount) {
  EXPECT_EQ(ReplyJson("SayHelloClientStream", Reply("Hello nobody", 0, 0)),
            "{\"method\":\"SayHelloClientStream\",\"message\":\"Hello nobody\",\"sequence\":0,"
            "\"count\":0}");
}

TEST(ExitCode, IsZeroForOkAnd64PlusTheCodeOtherwise) {
  EXPECT_EQ(ExitCodeFor(grpc::Status::OK), 0);
  EXPECT_EQ(ExitCodeFor(grpc::Status::CANCELLED), 65);
  EXPECT_EQ(ExitCodeFor({grpc::StatusCode::UNAVAILABLE, ""}), 78);
  EXPECT_EQ(ExitCodeFor({grpc::StatusCode::UNAUTHENTICATED, ""}), 80);
}

TEST(StatusText, NamesTheCodeThenTheMessage) {
  EXPECT_EQ(StatusText({grpc::StatusCode::NOT_FOUND, "no such room"}), "NOT_FOUND: no such room");
  EXPECT_EQ(StatusText({grpc::StatusCode::CANCELLED, ""}), "CANCELLED");
}

}  // namespace
}  // namespace greeter

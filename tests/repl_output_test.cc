// What the interactive client prints after a call.

#include <gtest/gtest.h>

#include "client/repl/call_summary.h"

namespace greeter::repl {
namespace {

using namespace std::chrono_literals;

TEST(CallSummary, ForAPersonShowsLatencyAndStreamRate) {
  EXPECT_EQ(CallSummary({grpc::Status::OK, 1200us, 1, false, false}, true), "OK in 1.2 ms");
  EXPECT_EQ(CallSummary({grpc::Status::OK, 300ms, 3, true, false}, true),
            "OK: 3 replies in 300 ms, 10.0 replies/s");
  EXPECT_EQ(CallSummary({grpc::Status::OK, 2500ms, 1, true, false}, true), "OK: 1 reply in 2.50 s");
  EXPECT_EQ(
      CallSummary({{grpc::StatusCode::INVALID_ARGUMENT, "name: too long"}, 800us, 0, false, false},
                  true),
      "INVALID_ARGUMENT: name: too long (0.8 ms)");
  EXPECT_EQ(CallSummary({grpc::Status::CANCELLED, 1500ms, 2, true, true}, true),
            "CANCELLED by Ctrl-C after 2 replies in 1.50 s");
}

TEST(CallSummary, ForAScriptHasNoTimingsAndNothingForOk) {
  EXPECT_EQ(CallSummary({grpc::Status::OK, 300ms, 3, true, false}, false), "");
  EXPECT_EQ(
      CallSummary({{grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"}, 2s, 1, true, false},
                  false),
      "DEADLINE_EXCEEDED: Deadline Exceeded");
  EXPECT_EQ(CallSummary({grpc::Status::CANCELLED, 1500ms, 2, true, true}, false),
            "CANCELLED by Ctrl-C after 2 replies");
}

}  // namespace
}  // namespace greeter::repl

#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/call_settings.h"
#include "greet.grpc.pb.h"

namespace greeter {

// The tour: the four call shapes one after another on one stub (so one channel), each step
// starting when the one before has ended. Every request asks for the server's view of the call,
// so the tour can tell whether all four shared one connection.
// What the tour's replies said of the connection: every client address the server reported
// (greeter-server reports it in HelloReply.call; another server may not), and how many replies
// came at all.
struct TourConnections {
  std::set<std::string> peers;
  size_t replies = 0;
};

class Tour : public std::enable_shared_from_this<Tour> {
 public:
  struct Step {
    size_t number;             // 1 to 4
    std::string_view heading;  // "1. SayHello, unary: one request, one reply"
    size_t requests;           // how many requests the step sends
  };
  struct Handlers {
    std::function<void(const Step& step)> on_step;
    std::function<void(std::string_view method, const greet::HelloReply& reply)> on_reply;
    std::function<void(std::string_view method, const grpc::Status& failure)> on_failure;
    // Last, with what the replies said of the connection.
    std::function<void(const grpc::Status& first_failure, const TourConnections& seen)> on_done;
    // Optional: each step's server metadata, after its replies and before its on_failure.
    std::function<void(std::string_view method, const Metadata& initial, const Metadata& trailing)>
        on_metadata = {};
  };

  // `together`: the four calls start at once, multiplexed on the one connection, instead of
  // each after the one before has ended; on_done comes when all four have.
  static std::shared_ptr<Tour> Start(greet::Greeter::Stub& stub, const CallSettings& settings,
                                     std::string name, Handlers handlers, bool together = false);
  // Cancels the step (or, together, every call) in flight and runs no more.
  void Cancel();

 private:
  Tour(greet::Greeter::Stub& stub, const CallSettings& settings, std::string name,
       Handlers handlers, bool together);
  void StepDone(size_t step);
  void RunStep(size_t step);
  CallHandlers StepHandlers(size_t step, const char* method);
  greet::HelloRequest Request(const std::string& name) const;

  greet::Greeter::Stub& stub_;
  const CallSettings settings_;
  const std::vector<std::string> names_;
  const Handlers handlers_;
  std::mutex mutex_;
  size_t current_step_ = 0;
  std::function<void()> cancel_step_;
  const bool together_;
  std::vector<std::function<void()>> cancel_together_;  // together: each call's cancel
  size_t running_together_ = 0;
  bool cancelled_ = false;
  TourConnections seen_;
  grpc::Status first_failure_;
};

// "All four calls shared one connection: ..." or how many connections they used.
std::string TourConclusion(const TourConnections& seen);

}  // namespace greeter

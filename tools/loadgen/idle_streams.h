#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "tools/loadgen/workload.h"

namespace greeter::bench {

class IdleStream;

// Many SayHelloBidiStream calls opened and then left idle, to measure what an open stream costs
// the server. Each stream sends one request and waits for its reply (so the server has surely
// set the stream up), then does nothing until Release() half-closes it.
class IdleStreams {
 public:
  // Release() must have returned true before this is destroyed: the streams report to it.
  explicit IdleStreams(Workload& workload);

  // Opens workload.options().concurrency streams; true once every one has had its reply.
  bool Open(Clock::time_point deadline);
  // Half-closes every stream; true once every one has ended.
  bool Release(Clock::time_point deadline);

  // Called by the streams.
  void OnOpened(bool ok);
  void OnEnded(const grpc::Status& status);

 private:
  Workload& workload_;
  std::vector<IdleStream*> streams_;  // valid until released: each holds itself open till then
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t answered_ = 0;  // streams that had their reply, or failed before it
  size_t ended_ = 0;
};

}  // namespace greeter::bench

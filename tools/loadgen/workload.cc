#include "tools/loadgen/workload.h"

namespace greeter::bench {

greet::HelloRequest MakeRequest(const BenchOptions& options) {
  greet::HelloRequest request;
  // Printable and the same on every run: a-z repeated.
  std::string name(options.payload_bytes, 'a');
  for (size_t i = 0; i < name.size(); ++i) name[i] = static_cast<char>('a' + i % 26);
  request.set_name(std::move(name));
  if (options.mode == Mode::kServerStream) {
    request.set_count(options.messages);
    request.set_interval_ms(0);
  }
  if (options.reply_padding_bytes > 0) request.set_reply_padding_bytes(options.reply_padding_bytes);
  return request;
}

Workload::Workload(const BenchOptions& options,
                   std::vector<std::unique_ptr<greet::Greeter::Stub>> stubs)
    : options_(options),
      stubs_(std::move(stubs)),
      request_(MakeRequest(options)),
      expected_greeting_("Hello " + request_.name()) {}

void Workload::ApplyDeadline(grpc::ClientContext& context) const {
  if (options_.deadline)
    context.set_deadline(std::chrono::system_clock::now() + *options_.deadline);
}

greet::Greeter::StubInterface::async_interface* Workload::stub(int lane) const {
  return stubs_[static_cast<size_t>(lane) % stubs_.size()]->async();
}

bool Workload::MayStartCall() {
  switch (recorder_.phase()) {
    case Phase::kWarmup:
      return true;
    case Phase::kMeasuring:
      return !options_.requests ||
             calls_started_measuring_.fetch_add(1, std::memory_order_relaxed) < *options_.requests;
    case Phase::kStopped:
      return false;
  }
  return false;
}

}  // namespace greeter::bench

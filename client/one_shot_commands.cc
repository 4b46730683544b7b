#include "client/one_shot_commands.h"

#include <future>
#include <set>
#include <thread>

#include "client/bidi_call.h"
#include "client/client_stream_call.h"
#include "client/server_stream_call.h"
#include "client/unary_call.h"

namespace greeter {
namespace {

greet::HelloRequest Request(const std::string& name, bool include_call_info = false) {
  greet::HelloRequest request;
  request.set_name(name);
  request.set_include_call_info(include_call_info);
  return request;
}

// Prints each reply under `method`, remembers the peers the server reported, and lets the
// command wait for the end of the call.
class CallOutcome {
 public:
  CallOutcome(ReplyPrinter& printer, const char* method) : printer_(printer), method_(method) {}

  CallHandlers Handlers() {
    return {[this](const greet::HelloReply& reply) {
              if (reply.has_call()) {
                std::lock_guard lock(mutex_);
                peers_.insert(reply.call().peer());
              }
              printer_.Print(method_, reply);
            },
            [this](const grpc::Status& status) { done_.set_value(status); }};
  }
  grpc::Status Wait() { return done_.get_future().get(); }
  std::set<std::string> peers() {
    std::lock_guard lock(mutex_);
    return peers_;
  }

 private:
  ReplyPrinter& printer_;
  const char* method_;
  std::promise<grpc::Status> done_;
  std::mutex mutex_;
  std::set<std::string> peers_;
};

template <class Call>
void SendAllThenClose(Call& call, const std::vector<std::string>& names, bool include_call_info) {
  for (const auto& name : names) {
    if (!call.Send(Request(name, include_call_info))) break;
  }
  call.Close();
}

}  // namespace

grpc::Status RunHello(CommandEnvironment& env, const std::string& name) {
  CallOutcome outcome(env.printer, "SayHello");
  UnaryCall::Start(env.stub, env.settings, Request(name), outcome.Handlers());
  return outcome.Wait();
}

grpc::Status RunStream(CommandEnvironment& env, const std::string& name,
                       std::optional<uint32_t> count, std::optional<uint32_t> interval_ms) {
  greet::HelloRequest request = Request(name);
  if (count) request.set_count(*count);
  if (interval_ms) request.set_interval_ms(*interval_ms);
  CallOutcome outcome(env.printer, "SayHelloServerStream");
  ServerStreamCall::Start(env.stub, env.settings, std::move(request), outcome.Handlers());
  return outcome.Wait();
}

grpc::Status RunCollect(CommandEnvironment& env, const std::vector<std::string>& names) {
  CallOutcome outcome(env.printer, "SayHelloClientStream");
  auto call = ClientStreamCall::Start(env.stub, env.settings, outcome.Handlers());
  if (!names.empty()) {
    SendAllThenClose(*call, names, false);
  } else {
    for (std::string line; std::getline(env.input, line);) {
      if (line.empty()) continue;  // blank lines are spacing, not names
      if (!call->Send(Request(line))) break;
    }
    call->Close();
  }
  return outcome.Wait();
}

grpc::Status RunChat(CommandEnvironment& env, const std::string& name) {
  CallOutcome outcome(env.printer, "SayHelloBidiStream");
  auto call = BidiCall::Start(env.stub, env.settings, outcome.Handlers());
  call->Send(Request(name));
  // Input may stay open after the server ends the call: read it on a thread of its own, so
  // the command can return (and the process exit) as soon as the call is over.
  std::thread([call, &input = env.input] {
    for (std::string line; std::getline(input, line);) {
      if (line.empty()) continue;
      if (!call->Send(Request(line))) return;
    }
    call->Close();
  }).detach();
  return outcome.Wait();
}

grpc::Status RunTour(CommandEnvironment& env, const std::string& name) {
  const std::vector<std::string> names = {name, "Ada", "Grace"};
  std::set<std::string> peers;
  grpc::Status first_failure;

  const auto finish_step = [&](CallOutcome& outcome) {
    const grpc::Status status = outcome.Wait();
    if (!status.ok()) {
      env.printer.Note("  failed: " + StatusText(status));
      if (first_failure.ok()) first_failure = status;
    }
    peers.merge(outcome.peers());
  };

  env.printer.Note("1. SayHello, unary: one request, one reply");
  {
    CallOutcome outcome(env.printer, "SayHello");
    UnaryCall::Start(env.stub, env.settings, Request(name, true), outcome.Handlers());
    finish_step(outcome);
  }
  env.printer.Note("2. SayHelloServerStream, server streaming: one request, a stream of replies");
  {
    CallOutcome outcome(env.printer, "SayHelloServerStream");
    ServerStreamCall::Start(env.stub, env.settings, Request(name, true), outcome.Handlers());
    finish_step(outcome);
  }
  env.printer.Note(
      "3. SayHelloClientStream, client streaming: a stream of requests, one reply after the "
      "half-close");
  {
    CallOutcome outcome(env.printer, "SayHelloClientStream");
    auto call = ClientStreamCall::Start(env.stub, env.settings, outcome.Handlers());
    SendAllThenClose(*call, names, true);
    finish_step(outcome);
  }
  env.printer.Note(
      "4. SayHelloBidiStream, bidirectional streaming: each request answered as it arrives");
  {
    CallOutcome outcome(env.printer, "SayHelloBidiStream");
    auto call = BidiCall::Start(env.stub, env.settings, outcome.Handlers());
    SendAllThenClose(*call, names, true);
    finish_step(outcome);
  }

  if (peers.size() == 1) {
    env.printer.Note("All four calls shared one connection: the server saw each come from " +
                     *peers.begin() + ".");
  } else if (!peers.empty()) {
    std::string list;
    for (const auto& peer : peers) list += (list.empty() ? "" : ", ") + peer;
    env.printer.Note("The calls used " + std::to_string(peers.size()) +
                     " connections (the channel reconnected): " + list + ".");
  }
  return first_failure;
}

}  // namespace greeter

#include "client/tour.h"

#include "client/bidi_call.h"
#include "client/client_stream_call.h"
#include "client/server_stream_call.h"
#include "client/unary_call.h"

namespace greeter {

Tour::Tour(greet::Greeter::Stub& stub, const CallSettings& settings, std::string name,
           Handlers handlers, bool together)
    : stub_(stub),
      settings_(settings),
      names_{std::move(name), "Ada", "Grace"},
      handlers_(std::move(handlers)),
      together_(together) {}

std::shared_ptr<Tour> Tour::Start(greet::Greeter::Stub& stub, const CallSettings& settings,
                                  std::string name, Handlers handlers, bool together) {
  std::shared_ptr<Tour> tour(
      new Tour(stub, settings, std::move(name), std::move(handlers), together));
  if (!together) {
    tour->RunStep(0);
    return tour;
  }
  {
    std::lock_guard lock(tour->mutex_);
    tour->running_together_ = 4;  // counted before any can end
  }
  for (size_t step = 0; step < 4; ++step) tour->RunStep(step);
  return tour;
}

void Tour::Cancel() {
  std::vector<std::function<void()>> cancels;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    cancels = together_ ? cancel_together_ : std::vector<std::function<void()>>{cancel_step_};
  }
  for (const auto& cancel : cancels) {
    if (cancel) cancel();
  }
}

void Tour::StepDone(size_t step) {
  if (!together_) return RunStep(step + 1);
  bool last = false;
  {
    std::lock_guard lock(mutex_);
    last = --running_together_ == 0;
  }
  // The calls have all ended: nothing else touches these now.
  if (last && handlers_.on_done) handlers_.on_done(first_failure_, seen_);
}

greet::HelloRequest Tour::Request(const std::string& name) const {
  greet::HelloRequest request;
  request.set_name(name);
  request.set_include_call_info(true);
  return request;
}

CallHandlers Tour::StepHandlers(size_t step, const char* method) {
  auto self = shared_from_this();  // the tour lives until its last step ends
  CallHandlers::MetadataHandler on_metadata;
  if (handlers_.on_metadata) {
    on_metadata = [self, method](const Metadata& initial, const Metadata& trailing) {
      self->handlers_.on_metadata(method, initial, trailing);
    };
  }
  return {[self, method](const greet::HelloReply& reply) {
            {
              std::lock_guard lock(self->mutex_);
              ++self->seen_.replies;
              if (reply.has_call()) self->seen_.peers.insert(reply.call().peer());
            }
            if (self->handlers_.on_reply) self->handlers_.on_reply(method, reply);
          },
          [self, step, method](const grpc::Status& status) {
            if (!status.ok()) {
              {
                std::lock_guard lock(self->mutex_);
                if (self->first_failure_.ok()) self->first_failure_ = status;
              }
              if (self->handlers_.on_failure) self->handlers_.on_failure(method, status);
            }
            self->StepDone(step);
          },
          std::move(on_metadata)};
}

void Tour::RunStep(size_t step) {
  bool stop = false;
  if (!together_) {
    std::lock_guard lock(mutex_);
    current_step_ = step;
    cancel_step_ = nullptr;
    stop = cancelled_ || step == 4;
  }
  if (stop) {
    // Steps are sequential: nothing else touches these now.
    if (handlers_.on_done) handlers_.on_done(first_failure_, seen_);
    return;
  }
  static constexpr const char* kHeadings[] = {
      "1. SayHello, unary: one request, one reply",
      "2. SayHelloServerStream, server streaming: one request, a stream of replies",
      "3. SayHelloClientStream, client streaming: a stream of requests, one reply after the "
      "half-close",
      "4. SayHelloBidiStream, bidirectional streaming: each request answered as it arrives",
  };
  if (handlers_.on_step)
    handlers_.on_step({step + 1, kHeadings[step], step < 2 ? 1 : names_.size()});

  std::function<void()> cancel;
  switch (step) {
    case 0: {
      auto call =
          UnaryCall::Start(stub_, settings_, Request(names_[0]), StepHandlers(step, "SayHello"));
      cancel = [call] { call->Cancel(); };
      break;
    }
    case 1: {
      auto call = ServerStreamCall::Start(stub_, settings_, Request(names_[0]),
                                          StepHandlers(step, "SayHelloServerStream"));
      cancel = [call] { call->Cancel(); };
      break;
    }
    case 2: {
      auto call =
          ClientStreamCall::Start(stub_, settings_, StepHandlers(step, "SayHelloClientStream"));
      for (const auto& name : names_) call->Send(Request(name));
      call->Close();
      cancel = [call] { call->Cancel(); };
      break;
    }
    default: {
      auto call = BidiCall::Start(stub_, settings_, StepHandlers(step, "SayHelloBidiStream"));
      for (const auto& name : names_) call->Send(Request(name));
      call->Close();
      cancel = [call] { call->Cancel(); };
      break;
    }
  }
  // The step may already have ended (and the next begun) on another thread: only the current
  // step's call may be cancelled, and a Cancel that came while it started still applies.
  bool cancel_now = false;
  {
    std::lock_guard lock(mutex_);
    if (together_) {
      cancel_together_.push_back(cancel);
      cancel_now = cancelled_;
    } else if (current_step_ == step) {
      cancel_step_ = cancel;
      cancel_now = cancelled_;
    }
  }
  if (cancel_now) cancel();
}

std::string TourConclusion(const TourConnections& seen) {
  const auto& peers = seen.peers;
  if (seen.replies == 0) return "No call got a reply, so nothing can be said of the connection.";
  if (peers.empty()) {
    return "The server does not report where calls come from (greeter-server does, in "
           "HelloReply.call), so which connection each call used cannot be told from here; "
           "`status` shows this client's channel.";
  }
  if (peers.size() == 1) {
    return "All four calls shared one connection: the server saw each come from " + *peers.begin() +
           ".";
  }
  std::string list;
  for (const auto& peer : peers) list += (list.empty() ? "" : ", ") + peer;
  return "The calls used " + std::to_string(peers.size()) +
         " connections (the channel reconnected): " + list + ".";
}

}  // namespace greeter

// greeter-cq-server: the "gRPC C++ limit" reference of tools/bench. greet.Greeter's four calls
// on the asynchronous completion-queue API, in the design of the fastest C++ entry of the
// public grpc_bench comparison: one completion queue per thread, each call a small state machine
// whose completions all come back to its own queue's thread. No validation, no logging, no
// limits beyond gRPC's defaults: the least work a C++ server can do for these calls.

#include <absl/synchronization/mutex.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <sched.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include "tools/peers/cpp/calls.h"
#include "tools/peers/cpp/completion_tag.h"

namespace {

using greeter::reference::CompletionTag;
using greeter::reference::Service;

// Calls of each method waiting for a client, per queue: several, so that a burst of new calls
// on many connections does not wait for the next request to be posted.
constexpr int kListenersPerMethod = 8;

int CpusAvailable() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (sched_getaffinity(0, sizeof cpus, &cpus) != 0) return 1;
  return std::max(1, CPU_COUNT(&cpus));
}

std::string HostOf(const std::string& listen) { return listen.substr(0, listen.rfind(':')); }

void ServeQueue(grpc::ServerCompletionQueue* queue) {
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<CompletionTag*>(tag)->OnComplete(ok);
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  int threads = CpusAvailable();
  CLI::App app{"greeter-cq-server: greet.Greeter on the completion-queue API, as a reference."};
  app.add_option("--listen", listen, "Address to listen on, host:port (port 0: any free)")
      ->capture_default_str();
  app.add_option("--threads", threads,
                 "Threads, each with its own completion queue (default: the CPUs it may use)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  CLI11_PARSE(app, argc, argv);
  // Debian builds abseil without NDEBUG, so every absl::Mutex inside gRPC keeps a lock graph
  // for deadlock detection: about 6,000 of the 53,000 instructions this server spends on a
  // unary call (callgrind). The limit of what gRPC C++ allows here does without it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the stop signals in every thread; main waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Service service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
  for (int i = 0; i < threads; ++i) queues.push_back(builder.AddCompletionQueue());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "greeter-cq-server: cannot listen on " << listen << "\n";
    return 1;
  }

  std::vector<std::thread> workers;
  for (auto& queue : queues) {
    for (int i = 0; i < kListenersPerMethod; ++i) {
      greeter::reference::ListenForSayHello(&service, queue.get());
      greeter::reference::ListenForServerStream(&service, queue.get());
      greeter::reference::ListenForClientStream(&service, queue.get());
      greeter::reference::ListenForBidiStream(&service, queue.get());
    }
    workers.emplace_back(ServeQueue, queue.get());
  }
  std::cout << "greeter-cq-server listening on " << HostOf(listen) << ":" << port << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  // Calls in flight get a second to finish, then are cancelled; the queue threads keep serving
  // their completions until the server is down, and only then are the queues shut down.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  for (auto& queue : queues) queue->Shutdown();
  for (auto& worker : workers) worker.join();
  return 0;
}

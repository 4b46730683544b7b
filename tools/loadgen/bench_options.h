#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace greeter::bench {

enum class Mode {
  kUnary,         // SayHello
  kServerStream,  // SayHelloServerStream: --messages replies per call
  kClientStream,  // SayHelloClientStream: --messages requests per call
  kBidi,          // SayHelloBidiStream: --messages requests per stream, --window in flight
  kIdleBidi,      // open --concurrency bidi streams, hold them idle (memory per stream)
  kFanout,        // SayHelloBidiStream in chat rooms: every text goes to every member
};

std::optional<Mode> ParseMode(std::string_view text);
std::string_view ModeName(Mode mode);

// Everything one run of greeter-bench is asked to do, as given on the command line.
struct BenchOptions {
  Mode mode = Mode::kUnary;
  std::string target = "127.0.0.1:50051";
  int connections = 1;  // channels, each its own TCP connection
  int concurrency = 1;  // calls (streams) in flight, spread round-robin over the connections
  std::chrono::milliseconds duration{10'000};
  std::chrono::milliseconds warmup{1'000};
  std::optional<uint64_t> requests;  // stop after this many calls started after the warmup
  double rate = 0;                   // calls started per second (open loop); 0: closed loop
  uint32_t messages = 100;           // per stream; 0 for bidi: until the run ends
  uint32_t window = 1;               // bidi: requests sent and not yet answered, per stream
  int rooms = 1;                     // fanout: members are spread round-robin over the rooms
  int idle_members = 0;              // fanout: the first lanes join and never read
  uint32_t payload_bytes = 16;       // size of HelloRequest.name
  uint32_t reply_padding_bytes = 0;  // HelloRequest.reply_padding_bytes
  // Per call, sent as grpc-timeout. None by default: a deadline costs the server a timer per
  // call, and h2load, the cross-check, sends none either.
  std::optional<std::chrono::milliseconds> deadline;
  std::optional<int> server_pid;  // report this local process's CPU use too
  // Lean (the default): each channel runs straight over a TCP connection greeter-bench opened,
  // without name resolution, load balancing or the retry filter, which costs the generator
  // about a third less per call. Full: channels as applications make them.
  bool full_client_stack = false;
  // How long each connection may take to connect and answer a first call.
  std::chrono::milliseconds connect_timeout{10'000};
  bool json = false;
};

}  // namespace greeter::bench

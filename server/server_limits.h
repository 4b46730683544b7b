#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace greeter {

// What the server accepts. Each limit is a flag of greeter-server; a request beyond one is
// refused with a status that names the field and the limit, and the server keeps serving.
struct ServerLimits {
  size_t max_name_bytes = 256;            // HelloRequest.name, in UTF-8 bytes
  uint32_t max_count = 1000;              // HelloRequest.count
  uint32_t max_interval_ms = 10'000;      // HelloRequest.interval_ms and first_reply_delay_ms
  uint32_t max_padding_bytes = 1 << 20;   // HelloRequest.reply_padding_bytes
  size_t max_client_stream_names = 1000;  // requests in one SayHelloClientStream call
  int max_receive_message_bytes = 4096;   // any one request message, enforced by gRPC itself
  size_t bidi_replies_in_flight = 16;     // replies queued per bidi call before reading pauses
  // Replies built and waiting for their clients to read them, in bytes: server-wide (past it,
  // new replies are refused RESOURCE_EXHAUSTED) and per bidi call (past it, reading pauses).
  size_t max_reply_memory_bytes = size_t{256} << 20;
  size_t max_call_reply_memory_bytes = size_t{4} << 20;
  // gRPC's ResourceQuota: the memory its transport may use for connections, streams and buffers.
  size_t memory_quota_bytes = size_t{128} << 20;
  // Calls in flight on one connection, counted by greeter (OpenCalls); GreeterServer sets it
  // from ConnectionOptions::max_concurrent_streams.
  uint32_t max_calls_per_connection = 1000;
  // Calls open on the whole server, of every shape (room members too): about 18 KiB of gRPC's
  // memory each when idle, and a cost in every other call's completions (OpenCalls).
  uint32_t max_open_calls = 10'000;

  // Chat rooms (bidi streams whose first request names a room).
  size_t max_rooms = 1000;
  size_t max_room_members = 1000;
  size_t max_text_bytes = 1024;    // HelloRequest.text
  size_t room_member_queue = 256;  // messages waiting for one member; past that it is cut off
  // Joins and leaves waiting for one member, counted apart from messages so that presence
  // cannot crowd a reader out: a whole room joining and leaving fits (GreeterServer sets it to
  // twice max_room_members).
  size_t room_presence_queue = 2000;
  size_t room_history = 1000;  // events a room keeps for members that resume (resume_after)
  std::chrono::milliseconds slow_consumer_grace{2000};  // then a stuck write is cancelled
};

}  // namespace greeter

#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <cstdint>

#include "greet.pb.h"

namespace greeter {

// Requests arrive and replies leave as bytes, parsed and serialized here: gRPC 1.51's typed
// handlers answer a unary request that does not parse with a bare UNIMPLEMENTED, and take one
// inside a stream for the client's half-close, dropping the rest of the stream silently.

// Parses request `number` (1-based, on its call) into `request`, or INVALID_ARGUMENT
// "request N could not be parsed as greet.HelloRequest".
grpc::Status ParseRequest(const grpc::ByteBuffer& bytes, uint64_t number,
                          greet::HelloRequest& request);

// Makes `bytes` the reply's bytes, as gRPC sends them. Into the caller's buffer, not returned:
// grpc::ByteBuffer has no move assignment, and a copy costs an allocation per message.
void SerializeReply(const greet::HelloReply& reply, grpc::ByteBuffer& bytes);

}  // namespace greeter

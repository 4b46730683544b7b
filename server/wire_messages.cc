#include "server/wire_messages.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <string>

namespace greeter {

grpc::Status ParseRequest(const grpc::ByteBuffer& bytes, uint64_t number,
                          greet::HelloRequest& request) {
  request.Clear();
  // The reader only reads; it takes a pointer to non-const for gRPC's own reasons.
  grpc::ProtoBufferReader reader(const_cast<grpc::ByteBuffer*>(&bytes));
  if (!reader.status().ok() || !request.ParseFromZeroCopyStream(&reader)) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "request " + std::to_string(number) +
                " could not be parsed as greet.HelloRequest (not protobuf, or a string field "
                "that is not UTF-8)"};
  }
  return grpc::Status::OK;
}

void SerializeReply(const greet::HelloReply& reply, grpc::ByteBuffer& bytes) {
  bytes.Clear();  // protobuf's writer appends to an empty buffer only (it asserts so)
  bool own_buffer = false;
  // Fails only for a message over 2 GiB, which no reply comes near (--max-padding-bytes).
  (void)grpc::SerializationTraits<greet::HelloReply>::Serialize(reply, &bytes, &own_buffer);
}

}  // namespace greeter

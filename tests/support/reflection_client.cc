#include "tests/support/reflection_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for protobuf messages
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include "grpc/reflection/v1/reflection.pb.h"

namespace greeter::testing {
namespace {

using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

constexpr char kReflectionMethod[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// One request and its one response on a reflection stream of its own.
std::optional<ServerReflectionResponse> Ask(grpc::Channel& channel,
                                            const ServerReflectionRequest& request) {
  // What generated stubs do, with the method path of v1alpha (see the header).
  const grpc::internal::RpcMethod method(kReflectionMethod,
                                         grpc::internal::RpcMethod::BIDI_STREAMING);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  std::unique_ptr<grpc::ClientReaderWriter<ServerReflectionRequest, ServerReflectionResponse>>
      stream(grpc::internal::ClientReaderWriterFactory<ServerReflectionRequest,
                                                       ServerReflectionResponse>::Create(&channel,
                                                                                         method,
                                                                                         &context));
  ServerReflectionResponse response;
  const bool answered = stream->Write(request) && stream->WritesDone() && stream->Read(&response);
  if (!stream->Finish().ok() || !answered) return std::nullopt;
  return response;
}

}  // namespace

ReflectionClient::ReflectionClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)) {}

std::optional<std::vector<std::string>> ReflectionClient::ListServices() {
  ServerReflectionRequest request;
  request.set_list_services("");
  const auto response = Ask(*channel_, request);
  if (!response || !response->has_list_services_response()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& service : response->list_services_response().service()) {
    names.push_back(service.name());
  }
  return names;
}

std::optional<google::protobuf::FileDescriptorProto> ReflectionClient::FileContainingSymbol(
    const std::string& symbol) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  const auto response = Ask(*channel_, request);
  if (!response || !response->has_file_descriptor_response()) return std::nullopt;
  // The first file is the one defining the symbol; the rest are its imports.
  const auto& files = response->file_descriptor_response().file_descriptor_proto();
  google::protobuf::FileDescriptorProto file;
  if (files.empty() || !file.ParseFromString(files[0])) return std::nullopt;
  return file;
}

}  // namespace greeter::testing

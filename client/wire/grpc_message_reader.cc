#include "client/wire/grpc_message_reader.h"

#include <google/protobuf/message.h>

#include <algorithm>

namespace greeter::wire {

std::vector<GrpcMessage> GrpcMessageReader::Feed(std::span<const uint8_t> data) {
  std::vector<GrpcMessage> done;
  while (!data.empty()) {
    if (prefix_filled_ < sizeof prefix_) {
      const size_t take = std::min(sizeof prefix_ - prefix_filled_, data.size());
      std::copy_n(data.begin(), take, prefix_ + prefix_filled_);
      prefix_filled_ += take;
      data = data.subspan(take);
      if (prefix_filled_ < sizeof prefix_) break;
    }
    const uint32_t length = uint32_t{prefix_[1]} << 24 | uint32_t{prefix_[2]} << 16 |
                            uint32_t{prefix_[3]} << 8 | uint32_t{prefix_[4]};
    const size_t take = std::min<size_t>(length - body_seen_, data.size());
    if (length <= kMaxDecodedLength) {
      body_.append(reinterpret_cast<const char*>(data.data()), take);
    }
    body_seen_ += static_cast<uint32_t>(take);
    data = data.subspan(take);
    if (body_seen_ == length) done.push_back(Finish());
  }
  return done;
}

uint32_t GrpcMessageReader::partial_bytes() const {
  return static_cast<uint32_t>(prefix_filled_) + body_seen_;
}

GrpcMessage GrpcMessageReader::Finish() {
  GrpcMessage message;
  message.length = body_seen_;
  message.compressed = prefix_[0] != 0;
  if (message.length > kMaxDecodedLength) {
    message.note = "not decoded: longer than " + std::to_string(kMaxDecodedLength) + " bytes";
  } else if (message.compressed) {
    message.note = "compressed";
    message.bytes = std::move(body_);
  } else if (type_) {
    const auto* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type_);
    std::shared_ptr<google::protobuf::Message> decoded(prototype->New());
    if (decoded->ParseFromString(body_)) {
      message.decoded = std::move(decoded);
    } else {
      message.note = "does not parse as " + type_->full_name();
      message.bytes = std::move(body_);
    }
  } else {
    message.bytes = std::move(body_);
  }
  body_.clear();
  prefix_filled_ = 0;
  body_seen_ = 0;
  return message;
}

const google::protobuf::Descriptor* MessageTypeOf(const std::string& path, Direction direction) {
  // "/package.Service/Method" names the method "package.Service.Method".
  if (path.size() < 4 || path[0] != '/') return nullptr;
  std::string full_name = path.substr(1);
  const auto slash = full_name.find('/');
  if (slash == std::string::npos) return nullptr;
  full_name[slash] = '.';
  const auto* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
  if (!method) return nullptr;
  return direction == Direction::kSent ? method->input_type() : method->output_type();
}

}  // namespace greeter::wire

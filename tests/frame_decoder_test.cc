// The wire view's decoder, on byte streams built here frame by frame (header blocks by
// libnghttp2's HPACK deflater, as a real peer's would be): every frame type, split reads,
// CONTINUATION, padding, the dynamic table, gRPC messages across frames, and malformed input.

#include "client/wire/frame_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <string>
#include <vector>

#include "client/wire/frame_printer.h"
#include "client/wire/http2_names.h"
#include "greet.pb.h"

namespace greeter::wire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using Bytes = std::string;

const Bytes kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

Bytes Frame9(uint8_t type, uint8_t flags, uint32_t stream, const Bytes& payload) {
  const auto length = static_cast<uint32_t>(payload.size());
  Bytes out;
  out += static_cast<char>(length >> 16);
  out += static_cast<char>(length >> 8);
  out += static_cast<char>(length);
  out += static_cast<char>(type);
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(stream >> shift);
  return out + payload;
}

Bytes BigEndian32(uint32_t value) {
  Bytes out;
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(value >> shift);
  return out;
}

Bytes GrpcMessage(const google::protobuf::Message& message) {
  const Bytes body = message.SerializeAsString();
  return Bytes(1, '\0') + BigEndian32(static_cast<uint32_t>(body.size())) + body;
}

greet::HelloRequest Request(const std::string& name) {
  greet::HelloRequest request;
  request.set_name(name);
  return request;
}

greet::HelloReply Reply(const std::string& message) {
  greet::HelloReply reply;
  reply.set_message(message);
  return reply;
}

// HPACK encoding as a peer does it, dynamic table included.
class Deflater {
 public:
  Deflater() { nghttp2_hd_deflate_new(&deflater_, 4096); }
  ~Deflater() { nghttp2_hd_deflate_del(deflater_); }
  Bytes Block(const HeaderList& fields) {
    std::vector<nghttp2_nv> nva;
    for (const auto& [name, value] : fields) {
      nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                     reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                     value.size(), NGHTTP2_NV_FLAG_NONE});
    }
    Bytes out(nghttp2_hd_deflate_bound(deflater_, nva.data(), nva.size()), '\0');
    const auto used = nghttp2_hd_deflate_hd(deflater_, reinterpret_cast<uint8_t*>(out.data()),
                                            out.size(), nva.data(), nva.size());
    out.resize(static_cast<size_t>(used));
    return out;
  }

 private:
  nghttp2_hd_deflater* deflater_ = nullptr;
};

const HeaderList kRequestHeaders = {{":method", "POST"},
                                    {":scheme", "http"},
                                    {":path", "/greet.Greeter/SayHello"},
                                    {":authority", "127.0.0.1:50051"},
                                    {"content-type", "application/grpc"},
                                    {"te", "trailers"},
                                    {"grpc-timeout", "4999m"}};

class Decoder : public ::testing::Test {
 protected:
  // Feeds `bytes` in chunks of `chunk` bytes.
  void Feed(Direction direction, const Bytes& bytes, size_t chunk = 1 << 20, double t_ms = 1.5) {
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      const auto piece = std::string_view(bytes).substr(at, chunk);
      decoder_.Feed(direction, {reinterpret_cast<const uint8_t*>(piece.data()), piece.size()},
                    t_ms);
    }
  }
  void FeedAt(double t_ms, Direction direction, const Bytes& bytes) {
    Feed(direction, bytes, 1 << 20, t_ms);
  }
  std::vector<Frame> frames_;
  FrameDecoder decoder_{[this](const Frame& frame) { frames_.push_back(frame); }};
};

TEST_F(Decoder, PrefaceSettingsAndTheirAckFedOneByteAtATime) {
  const Bytes settings =
      Bytes("\x00\x04", 2) + BigEndian32(4194304) + Bytes("\xfe\x03", 2) + BigEndian32(1);
  Feed(Direction::kSent, kPreface + Frame9(kSettings, 0, 0, settings), 1);
  Feed(Direction::kReceived, Frame9(kSettings, kFlagAck, 0, ""), 1);

  ASSERT_EQ(frames_.size(), 3u);
  EXPECT_TRUE(frames_[0].preface);
  EXPECT_EQ(frames_[1].type, kSettings);
  EXPECT_EQ(frames_[1].length, 12u);
  EXPECT_THAT(frames_[1].settings, ElementsAre(Pair(0x4, 4194304u), Pair(0xfe03, 1u)));
  EXPECT_EQ(SettingName(0xfe03), "GRPC_ALLOW_TRUE_BINARY_METADATA");
  EXPECT_EQ(frames_[2].direction, Direction::kReceived);
  EXPECT_THAT(FlagNames(frames_[2].type, frames_[2].flags), ElementsAre("ACK"));
  EXPECT_EQ(frames_[2].t_ms, 1.5);
}

TEST_F(Decoder, AUnaryCallInBothDirectionsInChunksOfSevenBytes) {
  Deflater client, server;
  Feed(Direction::kSent,
       kPreface + Frame9(kHeaders, kFlagEndHeaders, 1, client.Block(kRequestHeaders)) +
           Frame9(kData, kFlagEndStream, 1, GrpcMessage(Request("A"))),
       7);
  Feed(Direction::kReceived,
       Frame9(kHeaders, kFlagEndHeaders, 1,
              server.Block({{":status", "200"}, {"content-type", "application/grpc"}})) +
           Frame9(kData, 0, 1, GrpcMessage(Reply("Hello A"))) +
           Frame9(kHeaders, kFlagEndHeaders | kFlagEndStream, 1,
                  server.Block({{"grpc-status", "0"}})),
       7);

  ASSERT_EQ(frames_.size(), 6u);
  const Frame& request = frames_[1];
  EXPECT_EQ(FrameTypeName(request.type), "HEADERS");
  EXPECT_EQ(request.stream, 1u);
  EXPECT_EQ(request.role, HeaderRole::kRequestHeaders);
  EXPECT_EQ(request.headers, kRequestHeaders);
  ASSERT_TRUE(request.method);
  EXPECT_EQ(*request.method, "/greet.Greeter/SayHello");

  const Frame& request_data = frames_[2];
  EXPECT_THAT(FlagNames(request_data.type, request_data.flags), ElementsAre("END_STREAM"));
  ASSERT_EQ(request_data.messages.size(), 1u);
  ASSERT_NE(request_data.messages[0].decoded, nullptr);
  EXPECT_EQ(request_data.messages[0].decoded->GetTypeName(), "greet.HelloRequest");
  EXPECT_EQ(request_data.messages[0].decoded->ShortDebugString(), "name: \"A\"");

  EXPECT_EQ(frames_[3].role, HeaderRole::kResponseHeaders);
  ASSERT_TRUE(frames_[3].method);
  EXPECT_EQ(*frames_[3].method, "/greet.Greeter/SayHello");
  ASSERT_EQ(frames_[4].messages.size(), 1u);
  ASSERT_NE(frames_[4].messages[0].decoded, nullptr);
  EXPECT_EQ(frames_[4].messages[0].decoded->GetTypeName(), "greet.HelloReply");
  EXPECT_EQ(frames_[4].messages[0].decoded->ShortDebugString(), "message: \"Hello A\"");
  EXPECT_EQ(frames_[5].role, HeaderRole::kTrailers);
  EXPECT_THAT(frames_[5].headers, ElementsAre(Pair("grpc-status", "0")));
}

TEST_F(Decoder, AnImmediateFailureIsATrailersOnlyResponse) {
  Deflater server;
  Feed(Direction::kReceived,
       Frame9(kHeaders, kFlagEndHeaders | kFlagEndStream, 1,
              server.Block({{":status", "200"}, {"grpc-status", "10"}, {"grpc-message", "no"}})));
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_EQ(frames_[0].role, HeaderRole::kTrailersOnly);
}

TEST_F(Decoder, TrailersThatCrossedTheClientsResetAreTrailersOfThatStream) {
  Deflater client, server;
  Feed(Direction::kSent, kPreface +
                             Frame9(kHeaders, kFlagEndHeaders, 1, client.Block(kRequestHeaders)) +
                             Frame9(kData, kFlagEndStream, 1, GrpcMessage(Request("A"))));
  Feed(Direction::kReceived,
       Frame9(kHeaders, kFlagEndHeaders, 1,
              server.Block({{":status", "200"}, {"content-type", "application/grpc"}})) +
           Frame9(kData, 0, 1, GrpcMessage(Reply("Hello A"))));
  Feed(Direction::kSent, Frame9(kRstStream, 0, 1, BigEndian32(8)));  // CANCEL: a deadline
  // The server sent its trailers before the reset reached it.
  Feed(Direction::kReceived,
       Frame9(kHeaders, kFlagEndHeaders | kFlagEndStream, 1, server.Block({{"grpc-status", "4"}})));
  ASSERT_EQ(frames_.size(), 7u);
  EXPECT_FALSE(frames_[5].after_reset);
  EXPECT_EQ(frames_[6].role, HeaderRole::kTrailers);
  EXPECT_TRUE(frames_[6].after_reset);
  EXPECT_THAT(FrameText(frames_[6]), HasSubstr("trailers: grpc-status DEADLINE_EXCEEDED"));
  EXPECT_THAT(FrameText(frames_[6]), HasSubstr("it crossed the client's RST_STREAM"));
}

TEST_F(Decoder, ALongLivedStreamResetAfterManyOthersIsStillKnownAsReset) {
  Deflater client, server;
  Feed(Direction::kSent,
       kPreface + Frame9(kHeaders, kFlagEndHeaders, 1, client.Block(kRequestHeaders)));
  for (uint32_t stream = 3; stream < 3 + 2 * 40; stream += 2) {  // 40 short calls, each reset
    Feed(Direction::kSent,
         Frame9(kHeaders, kFlagEndHeaders, stream, client.Block(kRequestHeaders)) +
             Frame9(kRstStream, 0, stream, BigEndian32(8)));
  }
  Feed(Direction::kSent, Frame9(kRstStream, 0, 1, BigEndian32(8)));  // the first, reset last
  frames_.clear();
  Feed(Direction::kReceived,
       Frame9(kHeaders, kFlagEndHeaders | kFlagEndStream, 1, server.Block({{"grpc-status", "1"}})));
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_TRUE(frames_[0].after_reset);
}

TEST_F(Decoder, AHeaderBlockSplitIntoContinuationsDecodesAsOneBlock) {
  Deflater client;
  const Bytes block = client.Block(kRequestHeaders);
  const size_t third = block.size() / 3;  // cuts fields in the middle
  Feed(Direction::kSent, kPreface + Frame9(kHeaders, 0, 1, block.substr(0, third)) +
                             Frame9(kContinuation, 0, 1, block.substr(third, third)) +
                             Frame9(kContinuation, kFlagEndHeaders, 1, block.substr(2 * third)) +
                             Frame9(kData, kFlagEndStream, 1, GrpcMessage(Request("B"))));

  ASSERT_EQ(frames_.size(), 5u);
  HeaderList all;
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(frames_[i].role, HeaderRole::kRequestHeaders) << i;
    all.insert(all.end(), frames_[i].headers.begin(), frames_[i].headers.end());
  }
  EXPECT_EQ(all, kRequestHeaders);
  EXPECT_EQ(FrameTypeName(frames_[3].type), "CONTINUATION");
  ASSERT_EQ(frames_[4].messages.size(), 1u);  // the :path arrived across the fragments
  ASSERT_NE(frames_[4].messages[0].decoded, nullptr);
  EXPECT_EQ(frames_[4].messages[0].decoded->ShortDebugString(), "name: \"B\"");
}

TEST_F(Decoder, PaddingAndPriorityAreSkippedInHeadersAndData) {
  Deflater client;
  const Bytes padding(6, '\0');
  const Bytes priority = BigEndian32(0) + Bytes(1, '\x0f');  // depends on nothing, weight 16
  Feed(Direction::kSent,
       kPreface +
           Frame9(kHeaders, kFlagEndHeaders | kFlagPadded | kFlagPriority, 1,
                  Bytes(1, '\x06') + priority + client.Block(kRequestHeaders) + padding) +
           Frame9(kData, kFlagPadded | kFlagEndStream, 1,
                  Bytes(1, '\x06') + GrpcMessage(Request("C")) + padding));
  ASSERT_EQ(frames_.size(), 3u);
  EXPECT_EQ(frames_[1].headers, kRequestHeaders);
  EXPECT_THAT(FlagNames(frames_[1].type, frames_[1].flags),
              ElementsAre("END_HEADERS", "PADDED", "PRIORITY"));
  ASSERT_EQ(frames_[2].messages.size(), 1u);
  ASSERT_NE(frames_[2].messages[0].decoded, nullptr);
  EXPECT_EQ(frames_[2].messages[0].decoded->ShortDebugString(), "name: \"C\"");
}

TEST_F(Decoder, ASecondHeaderBlockUsingTheDynamicTableDecodesToTheSameFields) {
  Deflater client;
  const Bytes first = client.Block(kRequestHeaders);
  const Bytes second = client.Block(kRequestHeaders);
  ASSERT_LT(second.size(), first.size() / 2);  // it refers to the table, so the test means it
  Feed(Direction::kSent, kPreface + Frame9(kHeaders, kFlagEndHeaders, 1, first) +
                             Frame9(kHeaders, kFlagEndHeaders, 3, second));
  ASSERT_EQ(frames_.size(), 3u);
  EXPECT_EQ(frames_[1].headers, kRequestHeaders);
  EXPECT_EQ(frames_[2].headers, kRequestHeaders);
  EXPECT_EQ(frames_[2].stream, 3u);
}

TEST_F(Decoder, MessagesSplitAcrossFramesAndSeveralInOneFrame) {
  Deflater client;
  const Bytes three =
      GrpcMessage(Request("one")) + GrpcMessage(Request("two")) + GrpcMessage(Request("three"));
  const size_t cut = GrpcMessage(Request("one")).size() + 4;  // inside the second's prefix
  HeaderList headers = kRequestHeaders;
  headers[2].second = "/greet.Greeter/SayHelloClientStream";
  Feed(Direction::kSent, kPreface + Frame9(kHeaders, kFlagEndHeaders, 1, client.Block(headers)) +
                             Frame9(kData, 0, 1, three.substr(0, cut)) +
                             Frame9(kData, kFlagEndStream, 1, three.substr(cut)));
  ASSERT_EQ(frames_.size(), 4u);
  ASSERT_EQ(frames_[2].messages.size(), 1u);
  EXPECT_EQ(frames_[2].partial_message_bytes, 4u);
  ASSERT_EQ(frames_[3].messages.size(), 2u);
  EXPECT_EQ(frames_[3].messages[0].decoded->ShortDebugString(), "name: \"two\"");
  EXPECT_EQ(frames_[3].messages[1].decoded->ShortDebugString(), "name: \"three\"");
  EXPECT_EQ(frames_[3].partial_message_bytes, 0u);
}

TEST_F(Decoder, AMethodNotKnownHereShowsItsMessagesAsBytes) {
  Deflater client;
  HeaderList headers = kRequestHeaders;
  headers[2].second = "/other.Service/Do";
  Feed(Direction::kSent, kPreface + Frame9(kHeaders, kFlagEndHeaders, 1, client.Block(headers)) +
                             Frame9(kData, kFlagEndStream, 1, Bytes("\0\0\0\0\3abc", 8)));
  ASSERT_EQ(frames_.size(), 3u);
  ASSERT_EQ(frames_[2].messages.size(), 1u);
  EXPECT_EQ(frames_[2].messages[0].decoded, nullptr);
  EXPECT_EQ(frames_[2].messages[0].bytes, "abc");
}

TEST_F(Decoder, ControlFramesCarryTheirFieldsAndErrorCodesByName) {
  Feed(Direction::kReceived, Frame9(kPing, 0, 0, Bytes("\0\0\0\0\0\0\0\x2a", 8)) +
                                 Frame9(kWindowUpdate, 0, 0, BigEndian32(65535)) +
                                 Frame9(kRstStream, 0, 5, BigEndian32(8)) +
                                 Frame9(kGoaway, 0, 0, BigEndian32(7) + BigEndian32(0) + "drain") +
                                 Frame9(0x42, 0x3, 9, "xyz") +
                                 Frame9(kPing, kFlagAck, 0, Bytes(8, '\0')));
  ASSERT_EQ(frames_.size(), 6u);
  EXPECT_EQ(frames_[0].ping_data, 42u);
  EXPECT_EQ(frames_[1].increment, 65535u);
  EXPECT_EQ(frames_[2].stream, 5u);
  EXPECT_EQ(ErrorCodeName(*frames_[2].error_code), "CANCEL");
  EXPECT_EQ(frames_[3].last_stream, 7u);
  EXPECT_EQ(ErrorCodeName(*frames_[3].error_code), "NO_ERROR");
  EXPECT_EQ(frames_[3].debug_data, "drain");
  EXPECT_EQ(FrameTypeName(frames_[4].type), "UNKNOWN(0x42)");
  EXPECT_EQ(frames_[4].length, 3u);
  EXPECT_THAT(FlagNames(frames_[4].type, frames_[4].flags), ElementsAre("0x03"));
  EXPECT_THAT(FlagNames(frames_[5].type, frames_[5].flags), ElementsAre("ACK"));
  EXPECT_EQ(ErrorCodeName(0x2a), "UNKNOWN(0x2a)");
}

// gRPC sends a BDP probe as soon as it has read DATA, and a keepalive after it has read nothing
// for a while; the PING frames look alike, so the view tells them apart by what came before.
TEST_F(Decoder, APingRightAfterDataIsABdpProbeAndOneAfterSilenceIsAKeepalive) {
  Deflater client;
  const Bytes ping1 = Bytes(7, '\0') + "\x01", ping7 = Bytes(7, '\0') + "\x07";
  FeedAt(1.0, Direction::kSent,
         kPreface + Frame9(kHeaders, kFlagEndHeaders, 1, client.Block(kRequestHeaders)) +
             Frame9(kData, kFlagEndStream, 1, GrpcMessage(Request("A"))));
  FeedAt(1.2, Direction::kReceived, Frame9(kPing, 0, 0, ping1));     // the server read DATA
  FeedAt(1.3, Direction::kSent, Frame9(kPing, kFlagAck, 0, ping1));  // answered
  FeedAt(5000.0, Direction::kSent, Frame9(kPing, 0, 0, ping7));      // 5 s of silence
  FeedAt(5000.4, Direction::kReceived, Frame9(kPing, kFlagAck, 0, ping7));
  FeedAt(5000.6, Direction::kReceived, Frame9(kPing, 0, 0, Bytes(8, '\x09')));  // neither

  ASSERT_EQ(frames_.size(), 8u);
  EXPECT_EQ(frames_[3].ping_purpose, PingPurpose::kBdpProbe);
  EXPECT_EQ(frames_[4].ping_purpose, PingPurpose::kBdpProbe);  // the ACK says what it answers
  EXPECT_EQ(frames_[5].ping_purpose, PingPurpose::kKeepalive);
  EXPECT_EQ(frames_[6].ping_purpose, PingPurpose::kKeepalive);
  EXPECT_EQ(frames_[7].ping_purpose, PingPurpose::kUnknown);
}

TEST_F(Decoder, AMalformedFrameIsNamedAndStopsOnlyItsDirection) {
  Feed(Direction::kReceived,
       Frame9(kPing, 0, 0, Bytes(7, '\0')) + Frame9(kPing, 0, 0, Bytes(8, '\0')));
  Feed(Direction::kSent, kPreface + Frame9(kPing, 0, 0, Bytes(8, '\0')));
  ASSERT_EQ(frames_.size(), 3u);
  EXPECT_EQ(frames_[0].problem, "PING: length 7, must be 8");
  EXPECT_TRUE(decoder_.stopped(Direction::kReceived));
  EXPECT_FALSE(decoder_.stopped(Direction::kSent));
  EXPECT_TRUE(frames_[1].preface);
  EXPECT_EQ(frames_[2].ping_data, 0u);
}

TEST_F(Decoder, InputThatIsNotHttp2OrNotHpackSaysWhatItCannotDecode) {
  Feed(Direction::kSent, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_EQ(frames_[0].problem, "not the HTTP/2 connection preface");

  Feed(Direction::kReceived, Frame9(kHeaders, kFlagEndHeaders, 1, Bytes(4, '\xff')));
  ASSERT_EQ(frames_.size(), 2u);
  EXPECT_THAT(frames_[1].problem, ::testing::StartsWith("HPACK: "));

  FrameDecoder padded([this](const Frame& frame) { frames_.push_back(frame); });
  const Bytes too_much_padding = Frame9(kData, kFlagPadded, 1, Bytes(1, '\x09') + "abc");
  padded.Feed(Direction::kReceived,
              {reinterpret_cast<const uint8_t*>(too_much_padding.data()), too_much_padding.size()},
              0);
  ASSERT_EQ(frames_.size(), 3u);
  EXPECT_EQ(frames_[2].problem, "DATA: padding of 9 bytes in a payload of 4");
}

}  // namespace
}  // namespace greeter::wire

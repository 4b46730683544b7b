// Flow-control windows computed from frames, as the wire view reports them.

#include "client/wire/flow_windows.h"

#include <gtest/gtest.h>

#include "client/wire/http2_names.h"

namespace greeter::wire {
namespace {

Frame Settings(Direction from, uint32_t initial_window) {
  Frame frame;
  frame.direction = from;
  frame.type = kSettings;
  frame.settings = {{kSettingsInitialWindowSize, initial_window}};
  return frame;
}

Frame Data(Direction from, uint32_t stream, uint32_t length) {
  Frame frame;
  frame.direction = from;
  frame.type = kData;
  frame.stream = stream;
  frame.length = length;
  return frame;
}

Frame Update(Direction from, uint32_t stream, uint32_t increment) {
  Frame frame;
  frame.direction = from;
  frame.type = kWindowUpdate;
  frame.stream = stream;
  frame.increment = increment;
  return frame;
}

Frame RequestHeaders(uint32_t stream) {
  Frame frame;
  frame.type = kHeaders;
  frame.stream = stream;
  frame.role = HeaderRole::kRequestHeaders;
  return frame;
}

TEST(FlowWindows, StartAtTheDefaultsAndFollowDataAndWindowUpdates) {
  FlowWindows windows;
  windows.Record(RequestHeaders(1));
  EXPECT_EQ(windows.Connection(Direction::kReceived).now, 65535);
  windows.Record(Data(Direction::kReceived, 1, 16384));
  windows.Record(Data(Direction::kReceived, 1, 16384));
  EXPECT_EQ(windows.Connection(Direction::kReceived).now, 65535 - 32768);
  EXPECT_EQ(windows.Stream(1, Direction::kReceived)->now, 65535 - 32768);
  // The client read them and gives the room back, on the connection and on the stream.
  windows.Record(Update(Direction::kSent, 0, 32768));
  windows.Record(Update(Direction::kSent, 1, 1000));
  EXPECT_EQ(windows.Connection(Direction::kReceived).now, 65535);
  EXPECT_EQ(windows.Connection(Direction::kReceived).lowest, 65535 - 32768);
  EXPECT_EQ(windows.Stream(1, Direction::kReceived)->now, 65535 - 32768 + 1000);
  EXPECT_EQ(windows.Stream(1, Direction::kSent)->now, 65535);  // the client sent nothing
}

TEST(FlowWindows, APeersInitialWindowSizeSetsTheOtherSidesStreamWindowsOpenOnesIncluded) {
  FlowWindows windows;
  windows.Record(RequestHeaders(1));
  windows.Record(Data(Direction::kReceived, 1, 5000));
  // The client allows 4 MiB per stream: the server's windows grow by the difference.
  windows.Record(Settings(Direction::kSent, 4194304));
  EXPECT_EQ(windows.Stream(1, Direction::kReceived)->now, 4194304 - 5000);
  windows.Record(RequestHeaders(3));
  EXPECT_EQ(windows.Stream(3, Direction::kReceived)->now, 4194304);
  EXPECT_EQ(windows.Stream(3, Direction::kSent)->now, 65535);  // the server set nothing
  // Not the connection's window: only WINDOW_UPDATE on stream 0 changes that.
  EXPECT_EQ(windows.Connection(Direction::kReceived).now, 65535 - 5000);
  windows.Forget(1);
  EXPECT_FALSE(windows.Stream(1, Direction::kReceived));
}

}  // namespace
}  // namespace greeter::wire

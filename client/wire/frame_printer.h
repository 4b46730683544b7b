#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "client/wire/flow_windows.h"
#include "client/wire/stream_ledger.h"
#include "client/wire/wire_observer.h"

namespace greeter::wire {

enum class FrameFormat { kText, kJson, kMermaid };

// The frame view: a line per frame, and one per stream as it ends summing it up, as text for
// people, as one JSON object per line (the schema is in README: See the wire), or as a Mermaid
// sequence diagram (sequence_diagram.h). Text lines
// are coloured per stream when `colour` is set (stderr is a terminal).
class FramePrinter : public WireObserver {
 public:
  using LineSink = std::function<void(const std::string& line)>;  // without '\n'
  FramePrinter(FrameFormat format, bool colour, LineSink sink);

  void OnConnectionOpened(int connection, const std::string& target) override;
  void OnFrame(int connection, const Frame& frame) override;
  void OnConnectionClosed(int connection, double t_ms, const std::string& why) override;
  // Streams begun and not yet ended, on every connection.
  size_t open_streams() const;
  // The windows of the open connection that last carried a frame; nothing before the first
  // frame or once it has closed. Safe from any thread (the rest is the relay thread's).
  std::optional<ConnectionWindows> latest_windows() const;

 private:
  void PrintSummary(int connection, double t_ms, const StreamSummary& summary);
  std::string Paint(uint32_t stream, std::string line) const;
  std::string ConnectionTag(int connection) const;

  const FrameFormat format_;
  const bool colour_;
  LineSink sink_;
  struct ConnectionState {
    StreamLedger ledger;
    FlowWindows windows;
  };
  // Fills in the stream's and the connection's windows, and forgets the stream's.
  void AddWindows(ConnectionState& state, StreamSummary& summary);
  std::map<int, ConnectionState> connections_;
  mutable std::mutex latest_mutex_;
  std::optional<ConnectionWindows> latest_;
};

// The text form of one frame, without time, colour or connection: "→ HEADERS stream=1 ...".
std::string FrameText(const Frame& frame);
// Its parts: the flags set (" [END_STREAM|END_HEADERS]", or nothing), and what the frame
// carries, decoded (the header list, the messages, the settings, the error code, ...).
std::string FlagsText(const Frame& frame);
std::string FrameDetail(const Frame& frame);
// "request headers", "response headers", "trailers", "trailers-only response".
std::string RoleName(HeaderRole role);
// The JSON form of one frame, on one line.
std::string FrameJson(const Frame& frame, int connection);

}  // namespace greeter::wire

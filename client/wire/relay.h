#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/wire/wire_observer.h"

namespace greeter::wire {

// TLS from the relay to the target, as the client's own channel would do it (client/channel.cc):
// PEM text of the CAs to trust (empty: the system's), of this client's certificate and key for
// mutual TLS (both or neither), and the name to check the server's certificate for (empty: the
// target's host).
struct UpstreamTls {
  std::string ca_pem, cert_pem, key_pem, server_name;
};

// An in-process relay between the client's channel and the real target: gRPC connects to it on
// 127.0.0.1 (a port of its own, picked by the kernel), and every byte is copied unchanged, both
// ways, to a connection of its own to the target, while a FrameDecoder per connection watches
// them pass. Each connection gRPC makes (reconnects too) gets its own connection to the target.
//
// With TLS, gRPC speaks plaintext HTTP/2 to the relay (the frames are seen in the clear) and the
// relay does the TLS to the target with OpenSSL, checking its certificate as gRPC would.
//
// Memory is bounded: each direction has one read buffer, and the next read starts only once
// the last one was written on, so a slow side holds the other back (TCP's own backpressure)
// instead of growing a queue.
class WireRelay {
 public:
  // Listens at once; `target` is HOST:PORT (also "dns:///HOST:PORT", "[v6]:PORT") or a unix
  // socket (`unix:PATH`, `unix:///PATH`, `unix-abstract:NAME`). Throws
  // std::runtime_error when it cannot listen or cannot read the target.
  WireRelay(const std::string& target, std::optional<UpstreamTls> tls, WireObserver& observer);
  ~WireRelay();  // closes every connection and stops the relay's thread
  WireRelay(const WireRelay&) = delete;
  WireRelay& operator=(const WireRelay&) = delete;

  // Where gRPC connects: "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  // The target without a "dns:///" scheme: HOST:PORT, as :authority names it ("localhost" for
  // a unix socket, as gRPC has it).
  const std::string& authority() const { return authority_; }
  // Returns once every byte that reached the relay before the call (from either side) has been
  // passed on and decoded and `settled` (asked on the relay's thread) holds, or after
  // `timeout`: what the client has seen, the view has shown.
  void Settle(std::chrono::milliseconds timeout, std::function<bool()> settled);

  static constexpr size_t kReadBufferBytes = 64 * 1024;

 private:
  class Connection;
  void Accept();
  bool AnyBytesWaiting();  // on the relay's thread

  std::vector<std::weak_ptr<Connection>> live_;  // on the relay's thread

  std::string target_, authority_;
  std::string host_, port_;                         // a TCP target...
  std::optional<std::string> unix_path_;            // ...or a unix socket's
  std::vector<asio::ip::tcp::endpoint> addresses_;  // ...or gRPC's list of addresses
  std::string tls_name_;                            // the name the target's certificate must hold
  std::string address_;
  WireObserver& observer_;
  asio::io_context io_;
  std::optional<asio::ssl::context> tls_;
  asio::ip::tcp::acceptor acceptor_;
  int connections_ = 0;
  std::thread thread_;
};

}  // namespace greeter::wire

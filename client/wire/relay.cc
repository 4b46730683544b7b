#include "client/wire/relay.h"

#include <array>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <system_error>

#include "client/wire/frame_decoder.h"

namespace greeter::wire {

namespace {

// Where the relay connects: HOST:PORT (resolved), gRPC's address lists (`ipv4:A:P,B:Q`,
// `ipv6:[A]:P,...`: tried in turn), or a unix socket's path (gRPC's `unix:PATH`,
// `unix:///PATH` and `unix-abstract:NAME` forms; the name gets its leading NUL here).
struct TargetParts {
  std::string authority, host, port;
  std::optional<std::string> unix_path;
  std::vector<asio::ip::tcp::endpoint> addresses;
};

std::pair<std::string, std::string> SplitHostPort(const std::string& authority) {
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return {authority, ""};
  std::string host = authority.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, authority.substr(colon + 1)};
}

// gRPC's :authority for an address list is the list itself, as written.
TargetParts AddressList(const std::string& list) {
  TargetParts parts{list, "", "", std::nullopt, {}};
  for (size_t start = 0; start <= list.size();) {
    const auto comma = std::min(list.find(',', start), list.size());
    const std::string address = list.substr(start, comma - start);
    const auto [host, port] = SplitHostPort(address);
    asio::error_code error;
    const auto ip = asio::ip::make_address(host, error);
    const bool port_ok = !port.empty() && port.size() <= 5 &&
                         port.find_first_not_of("0123456789") == std::string::npos &&
                         std::stoi(port) <= 65535;
    if (error || !port_ok) {
      throw std::runtime_error("--frames: " + address +
                               " in the target is not an IP address and port");
    }
    parts.addresses.emplace_back(ip, static_cast<uint16_t>(std::stoi(port)));
    if (parts.host.empty()) parts.host = host;  // the TLS name, as gRPC's first address
    start = comma + 1;
  }
  return parts;
}

// A unix socket's path fits in sockaddr_un (107 bytes and its NUL), or the target is refused
// here, before any connection, rather than by asio on the relay's thread.
TargetParts UnixTarget(std::string path) {
  if (path.empty()) throw std::runtime_error("--frames: the unix target names no path");
  try {
    asio::local::stream_protocol::endpoint checked(path);
  } catch (const std::system_error&) {
    throw std::runtime_error("--frames: the unix socket's path is " + std::to_string(path.size()) +
                             " bytes; at most 107 fit");
  }
  return {"localhost", "localhost", "", std::move(path), {}};  // gRPC's :authority for unix
}

TargetParts SplitTarget(const std::string& target) {
  if (target.starts_with("ipv4:") || target.starts_with("ipv6:")) {
    return AddressList(target.substr(5));
  }
  if (target.starts_with("unix-abstract:")) {
    return UnixTarget(std::string(1, '\0') + target.substr(14));
  }
  if (target.starts_with("unix:")) {
    std::string path = target.substr(5);
    if (path.starts_with("//")) path = path.substr(2);  // unix:///abs/path
    return UnixTarget(std::move(path));
  }
  constexpr std::string_view kDnsScheme = "dns:///";
  const std::string authority =
      target.starts_with(kDnsScheme) ? target.substr(kDnsScheme.size()) : target;
  auto [host, port] = SplitHostPort(authority);
  if (port.empty()) {
    throw std::runtime_error(
        "--frames: the target must be HOST:PORT, ipv4:ADDRESS:PORT[,...] or unix:PATH, got " +
        authority);
  }
  return {authority, std::move(host), std::move(port), std::nullopt, {}};
}

}  // namespace

// One connection from gRPC and its connection to the target. Lives while any of its
// operations is pending (each holds a shared_ptr to it); all of it runs on the relay's thread.
class WireRelay::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket from_grpc, int number, WireObserver& observer,
             asio::ssl::context* tls, const std::string& tls_name)
      : from_grpc_(std::move(from_grpc)),
        to_target_(from_grpc_.get_executor()),
        resolver_(from_grpc_.get_executor()),
        number_(number),
        observer_(observer),
        opened_(std::chrono::steady_clock::now()),
        decoder_([this](const Frame& frame) { observer_.OnFrame(number_, frame); }) {
    if (tls) {
      tls_.emplace(to_target_, *tls);
      SSL* ssl = tls_->native_handle();
      asio::error_code error;
      asio::ip::make_address(tls_name, error);
      if (error) {
        // SNI names hosts, never addresses. (SSL_set_tlsext_host_name, without its C cast.)
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(tls_name.c_str()));
        X509_VERIFY_PARAM_set1_host(SSL_get0_param(ssl), tls_name.c_str(), 0);
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), tls_name.c_str());
      }
    }
  }

  // Bytes gRPC or the target sent that the relay has not read yet.
  bool BytesWaiting() {
    if (closed_) return false;
    asio::error_code ignored;
    return (!sent_.done && from_grpc_.available(ignored) > 0) ||
           (!received_.done && to_target_.is_open() && to_target_.available(ignored) > 0);
  }

  void Start(const TargetParts& target, const std::string& named) {
    observer_.OnConnectionOpened(number_, named);
    // Nothing is read from gRPC until the target is connected: its bytes wait in the kernel.
    if (target.unix_path) {
      to_target_.async_connect(
          asio::local::stream_protocol::endpoint(*target.unix_path),
          [self = shared_from_this()](const asio::error_code& error) { self->Connected(error); });
      return;
    }
    if (!target.addresses.empty()) {
      candidates_ = target.addresses;
      return ConnectToFirst(0);
    }
    resolver_.async_resolve(
        target.host, target.port,
        [self = shared_from_this()](const asio::error_code& error,
                                    const asio::ip::tcp::resolver::results_type& endpoints) {
          if (error) return self->Close("cannot resolve the target: " + error.message());
          for (const auto& entry : endpoints) self->candidates_.push_back(entry.endpoint());
          self->ConnectToFirst(0);
        });
  }

 private:
  // The candidate addresses in turn, as asio::async_connect would (it cannot take a socket of
  // the generic protocol).
  void ConnectToFirst(size_t next) {
    to_target_.async_connect(candidates_[next],
                             [self = shared_from_this(), next](asio::error_code error) {
                               if (error && next + 1 < self->candidates_.size()) {
                                 asio::error_code ignored;
                                 self->to_target_.close(ignored);
                                 return self->ConnectToFirst(next + 1);
                               }
                               if (!error)
                                 self->to_target_.set_option(asio::ip::tcp::no_delay(true), error);
                               self->Connected(error);
                             });
  }

  void Connected(const asio::error_code& error) {
    if (error) return Close("cannot connect to the target: " + error.message());
    Handshake();
  }

  struct Pipe {
    Direction direction;
    std::array<uint8_t, kReadBufferBytes> buffer = {};
    bool done = false;
  };

  void Handshake() {
    if (!tls_) return Relay();
    tls_->async_handshake(
        asio::ssl::stream_base::client, [self = shared_from_this()](const asio::error_code& error) {
          if (error) {
            return self->Close("TLS handshake with the target failed: " + error.message());
          }
          self->Relay();
        });
  }

  void Relay() {
    Pump(sent_);
    Pump(received_);
  }

  double Elapsed() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - opened_)
        .count();
  }

  template <typename Handler>
  void ReadInto(Pipe& pipe, Handler handler) {
    if (pipe.direction == Direction::kSent) {
      from_grpc_.async_read_some(asio::buffer(pipe.buffer), std::move(handler));
    } else if (tls_) {
      tls_->async_read_some(asio::buffer(pipe.buffer), std::move(handler));
    } else {
      to_target_.async_read_some(asio::buffer(pipe.buffer), std::move(handler));
    }
  }

  template <typename Handler>
  void WriteOn(Pipe& pipe, size_t length, Handler handler) {
    const auto bytes = asio::buffer(pipe.buffer.data(), length);
    if (pipe.direction == Direction::kReceived) {
      asio::async_write(from_grpc_, bytes, std::move(handler));
    } else if (tls_) {
      asio::async_write(*tls_, bytes, std::move(handler));
    } else {
      asio::async_write(to_target_, bytes, std::move(handler));
    }
  }

  void Pump(Pipe& pipe) {
    ReadInto(
        pipe, [self = shared_from_this(), &pipe](const asio::error_code& error, size_t length) {
          if (error) return self->EndOfPipe(pipe, error);
          self->WriteOn(pipe, length, [self, &pipe](const asio::error_code& write_error, size_t) {
            if (write_error) return self->Close("cannot write: " + write_error.message());
            self->Pump(pipe);
          });
          // The bytes are already on their way; decoding them adds nothing to their latency.
          // The buffer is not touched again until that write is done.
          self->decoder_.Feed(pipe.direction, {pipe.buffer.data(), length}, self->Elapsed());
        });
  }

  // One side stopped sending: pass the half-close on; the connection ends when both have.
  void EndOfPipe(Pipe& pipe, const asio::error_code& error) {
    // A TLS peer that closes without close_notify is, to HTTP/2, a peer that closed.
    if (error != asio::error::eof && error != asio::ssl::error::stream_truncated) {
      return Close(error.message());
    }
    pipe.done = true;
    asio::error_code ignored;
    if (pipe.direction == Direction::kSent) {
      to_target_.shutdown(asio::socket_base::shutdown_send, ignored);
    } else {
      from_grpc_.shutdown(asio::socket_base::shutdown_send, ignored);
    }
    if (sent_.done && received_.done) Close("");
  }

  void Close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    asio::error_code ignored;
    from_grpc_.close(ignored);
    to_target_.close(ignored);
    observer_.OnConnectionClosed(number_, Elapsed(), why);
  }

  asio::ip::tcp::socket from_grpc_;
  asio::generic::stream_protocol::socket to_target_;  // TCP or a unix socket
  std::optional<asio::ssl::stream<asio::generic::stream_protocol::socket&>> tls_;  // over it
  asio::ip::tcp::resolver resolver_;
  std::vector<asio::ip::tcp::endpoint> candidates_;  // where to connect, in order
  const int number_;
  WireObserver& observer_;
  const std::chrono::steady_clock::time_point opened_;
  FrameDecoder decoder_;
  Pipe sent_{Direction::kSent};
  Pipe received_{Direction::kReceived};
  bool closed_ = false;
};

WireRelay::WireRelay(const std::string& target, std::optional<UpstreamTls> tls,
                     WireObserver& observer)
    : target_(target), observer_(observer), acceptor_(io_) {
  auto parts = SplitTarget(target);
  authority_ = std::move(parts.authority);
  host_ = std::move(parts.host);
  port_ = std::move(parts.port);
  unix_path_ = std::move(parts.unix_path);
  addresses_ = std::move(parts.addresses);
  if (tls) {
    tls_.emplace(asio::ssl::context::tls_client);
    tls_->set_verify_mode(asio::ssl::verify_peer);
    if (tls->ca_pem.empty()) {
      tls_->set_default_verify_paths();
    } else {
      tls_->add_certificate_authority(asio::buffer(tls->ca_pem));
    }
    if (!tls->cert_pem.empty()) {
      tls_->use_certificate_chain(asio::buffer(tls->cert_pem));
      tls_->use_private_key(asio::buffer(tls->key_pem), asio::ssl::context::pem);
    }
    // gRPC servers speak HTTP/2 over TLS only to a client that asks for it by ALPN.
    static constexpr unsigned char kAlpnH2[] = {2, 'h', '2'};
    SSL_CTX_set_alpn_protos(tls_->native_handle(), kAlpnH2, sizeof kAlpnH2);
    tls_name_ = tls->server_name.empty() ? host_ : tls->server_name;
  }
  const asio::ip::tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
  acceptor_.open(loopback.protocol());
  acceptor_.bind(loopback);
  acceptor_.listen();
  // Read once, here: the acceptor is the relay thread's from now on.
  address_ = "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

WireRelay::~WireRelay() {
  asio::post(io_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
  });
  io_.stop();
  thread_.join();
}

bool WireRelay::AnyBytesWaiting() {
  for (const auto& weak : live_) {
    if (const auto connection = weak.lock(); connection && connection->BytesWaiting()) return true;
  }
  return false;
}

void WireRelay::Settle(std::chrono::milliseconds timeout, std::function<bool()> settled) {
  // Handlers run one at a time on the relay's thread, so once a handler posted now runs, every
  // read completed before it has been written on and decoded; bytes still waiting in a socket
  // are read by the handlers queued after it. Both, and what `settled` waits for (gRPC's own
  // last frames, an RST_STREAM after a deadline), are checked each millisecond: never a spin.
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  auto timer = std::make_shared<asio::steady_timer>(io_);
  auto check = std::make_shared<std::function<void()>>();
  *check = [this, done, check, timer, give_up, settled = std::move(settled)] {
    const bool late = std::chrono::steady_clock::now() >= give_up;
    if (!late && (AnyBytesWaiting() || !settled())) {
      timer->expires_after(std::chrono::milliseconds(1));
      timer->async_wait([check](const asio::error_code&) {
        // A copy runs, so the one in *check may be cleared while it does.
        if (const auto again = *check) again();
      });
    } else {
      done->set_value();
      *check = nullptr;  // breaks the cycle
    }
  };
  asio::post(io_, *check);
  future.wait_until(give_up);
}

void WireRelay::Accept() {
  acceptor_.async_accept([this](const asio::error_code& error, asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      socket.set_option(asio::ip::tcp::no_delay(true));
      auto connection = std::make_shared<Connection>(std::move(socket), ++connections_, observer_,
                                                     tls_ ? &*tls_ : nullptr, tls_name_);
      std::erase_if(live_, [](const auto& weak) { return weak.expired(); });
      live_.push_back(connection);
      connection->Start({authority_, host_, port_, unix_path_, addresses_}, target_);
    }
    Accept();
  });
}

}  // namespace greeter::wire

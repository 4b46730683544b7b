#include "client/wire/relay.h"

#include <array>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>

#include "client/wire/frame_decoder.h"

namespace greeter::wire {

namespace {

struct HostPort {
  std::string host, port;
};

HostPort SplitTarget(std::string target) {
  if (target.rfind("dns:///", 0) == 0) target.erase(0, 7);
  const auto colon = target.rfind(':');
  if (colon == std::string::npos || target.rfind("unix:", 0) == 0) {
    throw std::runtime_error("--frames: the target must be HOST:PORT, got " + target);
  }
  std::string host = target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, target.substr(colon + 1)};
}

}  // namespace

// One connection from gRPC and its connection to the target. Lives while any of its
// operations is pending (each holds a shared_ptr to it); all of it runs on the relay's thread.
class WireRelay::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket from_grpc, int number, WireObserver& observer)
      : from_grpc_(std::move(from_grpc)),
        to_target_(from_grpc_.get_executor()),
        resolver_(from_grpc_.get_executor()),
        number_(number),
        observer_(observer),
        opened_(std::chrono::steady_clock::now()),
        decoder_([this](const Frame& frame) { observer_.OnFrame(number_, frame); }) {}

  // Bytes gRPC or the target sent that the relay has not read yet.
  bool BytesWaiting() {
    if (closed_) return false;
    asio::error_code ignored;
    return (!sent_.done && from_grpc_.available(ignored) > 0) ||
           (!received_.done && to_target_.is_open() && to_target_.available(ignored) > 0);
  }

  void Start(const std::string& host, const std::string& port, const std::string& target) {
    observer_.OnConnectionOpened(number_, target);
    // Nothing is read from gRPC until the target is connected: its bytes wait in the kernel.
    resolver_.async_resolve(
        host, port,
        [self = shared_from_this()](const asio::error_code& error,
                                    const asio::ip::tcp::resolver::results_type& endpoints) {
          if (error) return self->Close("cannot resolve the target: " + error.message());
          asio::async_connect(
              self->to_target_, endpoints,
              [self](const asio::error_code& connect_error, const auto&) {
                if (connect_error) {
                  return self->Close("cannot connect to the target: " + connect_error.message());
                }
                self->to_target_.set_option(asio::ip::tcp::no_delay(true));
                self->Pump(self->sent_);
                self->Pump(self->received_);
              });
        });
  }

 private:
  struct Pipe {
    Direction direction;
    asio::ip::tcp::socket& from;
    asio::ip::tcp::socket& to;
    std::array<uint8_t, kReadBufferBytes> buffer = {};
    bool done = false;
  };

  double Elapsed() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - opened_)
        .count();
  }

  void Pump(Pipe& pipe) {
    pipe.from.async_read_some(
        asio::buffer(pipe.buffer),
        [self = shared_from_this(), &pipe](const asio::error_code& error, size_t length) {
          if (error) return self->EndOfPipe(pipe, error);
          asio::async_write(pipe.to, asio::buffer(pipe.buffer.data(), length),
                            [self, &pipe](const asio::error_code& write_error, size_t) {
                              if (write_error) {
                                return self->Close("cannot write: " + write_error.message());
                              }
                              self->Pump(pipe);
                            });
          // The bytes are already on their way; decoding them adds nothing to their latency.
          // The buffer is not touched again until that write is done.
          self->decoder_.Feed(pipe.direction, {pipe.buffer.data(), length}, self->Elapsed());
        });
  }

  // One side stopped sending: pass the half-close on; the connection ends when both have.
  void EndOfPipe(Pipe& pipe, const asio::error_code& error) {
    if (error != asio::error::eof) return Close(error.message());
    pipe.done = true;
    asio::error_code ignored;
    pipe.to.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
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

  asio::ip::tcp::socket from_grpc_, to_target_;
  asio::ip::tcp::resolver resolver_;
  const int number_;
  WireObserver& observer_;
  const std::chrono::steady_clock::time_point opened_;
  FrameDecoder decoder_;
  Pipe sent_{Direction::kSent, from_grpc_, to_target_};
  Pipe received_{Direction::kReceived, to_target_, from_grpc_};
  bool closed_ = false;
};

WireRelay::WireRelay(const std::string& target, WireObserver& observer)
    : target_(target), observer_(observer), acceptor_(io_) {
  const auto [host, port] = SplitTarget(target);
  host_ = host;
  port_ = port;
  const asio::ip::tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
  acceptor_.open(loopback.protocol());
  acceptor_.bind(loopback);
  acceptor_.listen();
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
  // are read by the handlers queued after it, so it checks again behind them. What `settled`
  // waits for (gRPC's own last frames, an RST_STREAM after a deadline) is checked each
  // millisecond.
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  auto timer = std::make_shared<asio::steady_timer>(io_);
  auto check = std::make_shared<std::function<void()>>();
  *check = [this, done, check, timer, give_up, settled = std::move(settled)] {
    const bool late = std::chrono::steady_clock::now() >= give_up;
    if (!late && AnyBytesWaiting()) {
      asio::post(io_, *check);
    } else if (!late && !settled()) {
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

std::string WireRelay::address() const {
  return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

void WireRelay::Accept() {
  acceptor_.async_accept([this](const asio::error_code& error, asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      socket.set_option(asio::ip::tcp::no_delay(true));
      auto connection = std::make_shared<Connection>(std::move(socket), ++connections_, observer_);
      std::erase_if(live_, [](const auto& weak) { return weak.expired(); });
      live_.push_back(connection);
      connection->Start(host_, port_, target_);
    }
    Accept();
  });
}

}  // namespace greeter::wire

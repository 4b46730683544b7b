// greeter-server: serves greet.Greeter until SIGINT or SIGTERM, then drains and exits 0.

#include <absl/synchronization/mutex.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "common/command_line.h"
#include "common/duration.h"
#include "common/pem_file.h"
#include "common/stderr_log.h"
#include "server/call_log.h"
#include "server/connection_flags.h"
#include "server/greeter_server.h"
#include "server/library_logs.h"
#include "server/shutdown_signals.h"

namespace {

std::string HostOf(const std::string& listen) { return listen.substr(0, listen.rfind(':')); }

bool IsUnixSocket(const std::string& listen) { return listen.starts_with("unix:"); }

// host:port with a port from 0 to 65535 (gRPC itself would wrap a larger number), or unix:PATH.
std::optional<std::string> ListenAddressProblem(const std::string& listen) {
  if (IsUnixSocket(listen)) {
    if (listen.size() == 5) return "unix: needs a path, e.g. unix:/tmp/greeter.sock";
    return std::nullopt;
  }
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return "needs host:port, e.g. 127.0.0.1:50051";
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return "the port must be a number from 0 to 65535, got '" + port + "'";
  }
  return std::nullopt;
}

// Ends the process if the drain overruns its deadline by `margin`: gRPC 1.51 can take far longer
// than the deadline to cancel a large backlog of calls (a rapid-reset flood), and a SIGTERM must
// still end the server in bounded time.
class DrainWatchdog {
 public:
  DrainWatchdog(std::chrono::milliseconds limit, greeter::StderrLog& log)
      : thread_([this, limit, &log] {
          std::unique_lock lock(mutex_);
          if (done_changed_.wait_for(lock, limit, [this] { return done_; })) return;
          log.Write("greeter-server: the drain overran its deadline by " +
                    greeter::FormatDuration(kMargin) + "; exiting without waiting for gRPC\n");
          log.Flush(std::chrono::seconds(1));
          std::_Exit(1);
        }) {}
  ~DrainWatchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_changed_.notify_one();
    thread_.join();
  }
  static constexpr std::chrono::milliseconds kMargin{5000};

 private:
  std::mutex mutex_;
  std::condition_variable done_changed_;
  bool done_ = false;
  std::thread thread_;
};

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" || host == "::1";
}

}  // namespace

int main(int argc, char** argv) {
  // Debian builds abseil with mutex deadlock detection on: every lock inside gRPC then updates a
  // lock graph, about 10 % of a unary call's instructions (README, Performance).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Every connection is a descriptor: take all the process may have (gRPC 1.51's listener stops
  // for good the first time accept fails for want of one).
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  // hiredis (--rooms redis://...) writes to its socket with write(): a Redis that went away
  // must end that connection (EPIPE), not the server. gRPC's own sockets never raise it.
  std::signal(SIGPIPE, SIG_IGN);
  greeter::ServerOptions options;
  std::string drain_text = "5s";
  bool quiet = false;

  CLI::App app{"greeter-server: the Greeter service (greet.proto) in all four gRPC call shapes."};
  app.add_option("--listen", options.listen, "Address to listen on, host:port (port 0: any free)")
      ->capture_default_str();
  app.add_option("--threads", options.io_threads,
                 "Threads for timers and signals (gRPC sizes its own callback threads)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--drain", drain_text,
                 "On SIGINT/SIGTERM, how long calls in flight may take to finish before they are "
                 "cancelled (e.g. 500ms, 5s)")
      ->capture_default_str();
  app.add_option("--max-name-bytes", options.limits.max_name_bytes,
                 "Longest HelloRequest.name accepted, in UTF-8 bytes")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--max-count", options.limits.max_count,
                 "Most replies one SayHelloServerStream may ask for (HelloRequest.count)")
      ->capture_default_str();
  app.add_option("--max-interval-ms", options.limits.max_interval_ms,
                 "Longest HelloRequest.interval_ms between server-stream replies, and longest "
                 "first_reply_delay_ms")
      ->capture_default_str();
  app.add_option("--max-padding-bytes", options.limits.max_padding_bytes,
                 "Largest HelloRequest.reply_padding_bytes (filler per reply, for flow-control "
                 "tests)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64 << 20));
  app.add_option("--max-client-stream-names", options.limits.max_client_stream_names,
                 "Most names one SayHelloClientStream may send (more: RESOURCE_EXHAUSTED)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  app.add_option("--max-receive-bytes", options.limits.max_receive_message_bytes,
                 "Largest request message gRPC accepts (larger: RESOURCE_EXHAUSTED)")
      ->capture_default_str()
      ->check(CLI::Range(64, 4 << 20));
  app.add_option("--max-reply-memory", options.limits.max_reply_memory_bytes,
                 "Bytes of replies waiting for clients that read slowly, all calls together; "
                 "past it new replies are refused with RESOURCE_EXHAUSTED (e.g. 128MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--max-call-reply-memory", options.limits.max_call_reply_memory_bytes,
                 "Bytes of replies one bidi call may have waiting; past it the server stops "
                 "reading its requests until the client reads (e.g. 4MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--max-open-calls", options.limits.max_open_calls,
                 "Calls open on the whole server, of every shape; past it new calls are refused "
                 "with RESOURCE_EXHAUSTED (each costs about 18 KiB of gRPC's memory idle, and "
                 "time in every other call's completions)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--memory-quota", options.limits.memory_quota_bytes,
                 "gRPC's ResourceQuota: memory its transport may use for connections, streams "
                 "and buffers; near it, new streams are refused (e.g. 128MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  const std::string rooms = "Chat rooms";
  app.add_option("--max-rooms", options.limits.max_rooms, "Most rooms open at once")
      ->capture_default_str()
      ->group(rooms);
  app.add_option("--max-room-members", options.limits.max_room_members, "Most members per room")
      ->capture_default_str()
      ->group(rooms);
  app.add_option("--max-text-bytes", options.limits.max_text_bytes,
                 "Longest HelloRequest.text said in a room")
      ->capture_default_str()
      ->group(rooms);
  app.add_option("--room-queue", options.limits.room_member_queue,
                 "Messages that may wait for one member; a member that falls further behind "
                 "is cut off with RESOURCE_EXHAUSTED (joins and leaves are counted apart)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20))
      ->group(rooms);
  app.add_option("--room-history", options.limits.room_history,
                 "Events each room keeps for members that rejoin (HelloRequest.resume_after); "
                 "0: none")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20))
      ->group(rooms);
  app.add_option("--rooms", options.rooms.engine,
                 "Where the rooms live: memory (this server alone), or a Redis every server "
                 "pointed at it shares them through: redis://HOST:PORT[/DB], "
                 "unix:///path/to/redis.sock")
      ->capture_default_str()
      ->group(rooms);
  std::string presence_expiry_text = "10s";
  app.add_option("--room-presence-expiry", presence_expiry_text,
                 "With --rooms redis: a server that stops answering (killed) has its members "
                 "leave its rooms for the other servers after this (e.g. 10s, 500ms)")
      ->capture_default_str()
      ->group(rooms);
  greeter::AddConnectionFlags(app, options.connection);
  std::string tls_cert, tls_key, tls_client_ca;
  const std::string tls = "TLS";
  auto* cert_option = app.add_option("--tls-cert", tls_cert,
                                     "PEM file of the server's certificate chain: serve TLS")
                          ->group(tls);
  auto* key_option =
      app.add_option("--tls-key", tls_key, "PEM file of the server's private key")->group(tls);
  cert_option->needs(key_option);
  key_option->needs(cert_option);
  app.add_option("--tls-client-ca", tls_client_ca,
                 "PEM file of the CA(s) whose client certificates are accepted: mutual TLS, every "
                 "client must present one")
      ->needs(cert_option)
      ->group(tls);
  app.add_flag("--quiet", quiet, "Do not log a line per finished call");
  greeter::CallLogFormat log_format = greeter::CallLogFormat::kText;
  app.add_option("--log-format", log_format,
                 "The line logged per finished call: text, or json (one object per line)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, greeter::CallLogFormat>{
          {"text", greeter::CallLogFormat::kText}, {"json", greeter::CallLogFormat::kJson}}))
      ->default_str("text");
  size_t log_queue_bytes = size_t{1} << 20;
  app.add_option("--log-queue", log_queue_bytes,
                 "Bytes of log lines that may wait for a slow stderr; past it lines are dropped "
                 "and counted (\"log: N lines dropped\"), never waited for (e.g. 1MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  if (const auto exit_code = greeter::ParseCommandLine(app, argc, argv)) return *exit_code;

  if (auto problem = ListenAddressProblem(options.listen)) {
    std::cerr << "greeter-server: --listen " << options.listen << ": " << *problem << "\n";
    return 2;
  }
  const auto drain = greeter::ParseDuration(drain_text);
  if (!drain) {
    std::cerr << "greeter-server: " << greeter::NotADuration("--drain", drain_text) << "\n";
    return 2;
  }

  if (auto problem = greeter::RoomEngineProblem(options.rooms.engine)) {
    std::cerr << "greeter-server: --rooms: " << *problem << "\n";
    return 2;
  }
  const auto presence_expiry = greeter::ParseDuration(presence_expiry_text);
  if (!presence_expiry || presence_expiry->count() < 10) {
    std::cerr << "greeter-server: --room-presence-expiry: not a duration of at least 10ms: "
              << presence_expiry_text << "\n";
    return 2;
  }
  options.rooms.presence_expiry = *presence_expiry;

  try {
    if (!tls_cert.empty()) {
      options.tls = {greeter::ReadPemFile(tls_cert), greeter::ReadPemFile(tls_key),
                     tls_client_ca.empty() ? "" : greeter::ReadPemFile(tls_client_ca)};
    }
  } catch (const std::exception& error) {
    std::cerr << "greeter-server: " << error.what() << "\n";
    return 2;
  }
  if (auto problem = greeter::TlsProblem(options.tls)) {
    std::cerr << "greeter-server: " << *problem << "\n";
    return 2;
  }
  greeter::ShutdownSignals signals;  // before the server: a signal from now on drains
  // From here on, nothing the server does writes to stderr itself: a stalled stderr must not
  // stop a reaction, nor the drain.
  greeter::StderrLog log("greeter-server: log", log_queue_bytes);
  const greeter::LibraryLogRoute library_logs(log);
  options.notice = [&log](const std::string& line) { log.Write(line); };
  std::optional<greeter::GreeterServer> server;
  try {
    server.emplace(options, quiet ? greeter::CallObserver{} : greeter::CallLogTo(log, log_format));
  } catch (const std::exception& error) {
    log.Write("greeter-server: " + std::string(error.what()) + "\n");
    return 1;
  }
  // Once it listens: a server that could not start has nothing to warn about.
  if (!options.tls.enabled() && !IsUnixSocket(options.listen) &&
      !IsLoopback(HostOf(options.listen))) {
    log.Write("greeter-server: warning: plaintext on " + options.listen +
              ": anyone on the network can read and change the calls; use --tls-cert and "
              "--tls-key\n");
  }

  // Scripts and tests wait for this line: it is printed once the port accepts connections.
  if (IsUnixSocket(options.listen)) {
    std::cout << "greeter-server listening on " << options.listen << std::endl;
  } else {
    std::cout << "greeter-server listening on " << HostOf(options.listen) << ":" << server->port()
              << std::endl;
  }

  const int signal_number = signals.WaitForFirst();
  log.Write(std::string("greeter-server: ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
            ": no new calls; draining for up to " + greeter::FormatDuration(*drain) +
            ", then cancelling the rest\n");
  {
    DrainWatchdog watchdog(*drain + DrainWatchdog::kMargin, log);
    server->Shutdown(*drain);  // from main: not a thread the drain waits on
  }
  log.Write("greeter-server: stopped after " + std::to_string(server->calls().calls_finished()) +
            " calls\n");
  return 0;
}

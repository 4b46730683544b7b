#include "tests/support/redis_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace greeter::testing {
namespace {

// redis-server from PATH (ChildProcess takes a path). It must be started under that name:
// Debian's is a link to redis-check-rdb, which looks at argv[0] to know what to be.
std::string RedisServerProgram() {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/bin";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::filesystem::path candidate =
        std::filesystem::path(rest.substr(0, colon)) / "redis-server";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  throw std::runtime_error("redis-server is not installed (tools/setup installs it)");
}

}  // namespace

RedisServer::RedisServer() {
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "greeter-redis-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = dir_template;
  socket_path_ = directory_ + "/redis.sock";
  Start();
}

RedisServer::~RedisServer() {
  if (process_) Stop(SIGKILL);
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void RedisServer::Start() {
  if (process_) return;
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      RedisServerProgram(), "--port", "0", "--unixsocket", socket_path_, "--unixsocketperm", "700",
      "--save", "", "--appendonly", "no", "--dir", directory_, "--loglevel", "notice"});
  // Redis logs "ready to accept connections at <socket>" once it does: the ready signal, no
  // polling.
  while (true) {
    const auto line = process_->ReadStdoutLine(std::chrono::seconds(10));
    if (!line) {
      process_.reset();
      throw std::runtime_error("redis-server did not get ready within 10 s");
    }
    if (line->find("eady to accept connections") != std::string::npos) break;
  }
}

void RedisServer::Stop(int signal_number) {
  if (!process_) return;
  process_->Signal(SIGCONT);  // a paused one must be able to exit
  process_->Signal(signal_number);
  process_->Wait(std::chrono::seconds(10));
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove(socket_path_, ignored);
}

RedisServer& RedisOfThisTest() {
  static std::mutex mutex;
  static std::unique_ptr<RedisServer> redis;
  static std::string test;
  std::lock_guard lock(mutex);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string current = info ? std::string(info->test_suite_name()) + "." + info->name() : "";
  if (redis && current != test) {
    redis->Stop();
    redis->Start();
  }
  if (!redis) redis = std::make_unique<RedisServer>();
  test = current;
  return *redis;
}

bool RoomsOnRedisForEveryTest() {
  const char* rooms = std::getenv("GREETER_TEST_ROOMS");
  return rooms != nullptr && std::string_view(rooms) == "redis";
}

void RedisServer::Pause() {
  if (process_) process_->Signal(SIGSTOP);
}

void RedisServer::Resume() {
  if (process_) process_->Signal(SIGCONT);
}

}  // namespace greeter::testing

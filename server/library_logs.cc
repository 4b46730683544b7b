#include "server/library_logs.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace greeter {
namespace {

std::atomic<StderrLog*> routed_log{nullptr};

// A line for the routed log, or straight to stderr once there is none (the process is ending).
void WriteLibraryLine(std::string line) {
  if (StderrLog* log = routed_log.load()) {
    log->Write(std::move(line));
  } else {
    std::fputs(line.c_str(), stderr);
  }
}

void WriteGrpcLog(gpr_log_func_args* args) {
  WriteLibraryLine(std::string("greeter-server: grpc ") + gpr_log_severity_string(args->severity) +
                   " " + args->file + ":" + std::to_string(args->line) + ": " + args->message +
                   "\n");
}

void WriteProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                      const std::string& message) {
  static constexpr const char* kLevels[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  WriteLibraryLine(std::string("greeter-server: protobuf ") + kLevels[level] + " " + file + ":" +
                   std::to_string(line) + ": " + message + "\n");
}

}  // namespace

LibraryLogRoute::LibraryLogRoute(StderrLog& log) {
  routed_log.store(&log);
  gpr_set_log_function(WriteGrpcLog);
  google::protobuf::SetLogHandler(WriteProtobufLog);
}

LibraryLogRoute::~LibraryLogRoute() { routed_log.store(nullptr); }

}  // namespace greeter

#include "client/grpc_log.h"

#include <grpc/support/log.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace greeter {
namespace {

bool verbosity_chosen = false;  // GRPC_VERBOSITY was set: the user is debugging gRPC

void WriteGrpcLine(gpr_log_func_args* args) {
  std::string line = "greeter-client: grpc: ";
  if (verbosity_chosen) {
    line += std::string(gpr_log_severity_string(args->severity)) + " " + args->file + ":" +
            std::to_string(args->line) + ": ";
  }
  line += args->message;
  line += "\n";
  std::fputs(line.c_str(), stderr);  // one call per line: lines from gRPC's threads stay whole
}

}  // namespace

void RouteGrpcLogThroughTool() {
  const char* verbosity = std::getenv("GRPC_VERBOSITY");
  verbosity_chosen = verbosity != nullptr && *verbosity != '\0';
  if (!verbosity_chosen) gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);
  gpr_set_log_function(WriteGrpcLine);
}

}  // namespace greeter

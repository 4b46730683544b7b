#pragma once

#include "common/stderr_log.h"

namespace greeter {

// While it lives, gRPC's log (gpr_log) and protobuf's go to `log`, one line each, instead of
// straight to stderr from whatever thread they are on; afterwards, to stderr directly again.
// Made after `log` and so destroyed before it.
class LibraryLogRoute {
 public:
  explicit LibraryLogRoute(StderrLog& log);
  ~LibraryLogRoute();
  LibraryLogRoute(const LibraryLogRoute&) = delete;
  LibraryLogRoute& operator=(const LibraryLogRoute&) = delete;
};

}  // namespace greeter

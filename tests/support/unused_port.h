#pragma once

namespace greeter::testing {

// A loopback port that nothing listens on: the kernel's pick for a socket that is then closed.
// For tests of what a client says when there is no server.
int UnusedPort();

}  // namespace greeter::testing

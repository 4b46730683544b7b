#pragma once

namespace greeter {

// gRPC 1.51 runs callback-API reactions on threads of one process-wide completion queue that
// every channel and server using the callback API holds a reference to. When the last such
// reference goes inside a reaction (a call's OnDone destroying the ClientContext that held
// the last reference to its channel), gRPC shuts that queue down and frees it from one of its
// own threads, which then polls the freed queue: the process aborts ("prior > 0" in
// ref_counted.h). Fixed upstream; Debian 12 ships 1.51.
//
// Call once, before the first callback call: a channel of the process's own holds a
// reference for the whole process, so the last one never goes while gRPC runs.
void KeepGrpcCallbackThreadsForTheProcess();

}  // namespace greeter

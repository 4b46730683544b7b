#pragma once

#include <asio/io_context.hpp>
#include <asio/strand.hpp>

struct redisAsyncContext;

namespace greeter {

using RedisStrand = asio::strand<asio::io_context::executor_type>;

// Drives a hiredis async context from asio: hiredis asks, through its five event hooks
// (ac->ev), for readiness waits on its socket; each becomes an async_wait on a
// stream_descriptor that wraps the socket, and its completion calls redisAsyncHandleRead or
// redisAsyncHandleWrite on `strand`, so every hiredis call of that context happens there.
// Call it on `strand`, once, right after redisAsyncConnect*; the context owns the watcher
// afterwards and releases it (without closing the socket, which is hiredis') when freed.
// False when the socket cannot be watched.
bool AttachToAsio(redisAsyncContext* context, RedisStrand strand);

}  // namespace greeter

"""A stderr nobody reads must not stall calls: the call log drops lines and says so.

The server's stderr is a pipe this test does not read. Once the pipe's buffer is full, a server
that writes its per-call log line synchronously blocks in the call path and every call after
that times out. The server must keep answering, count the lines it could not write, and report
them (`log: N lines dropped`) once stderr drains.
"""

import os
import re
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402

CALLS = 3000
THREADS = 8
DROPPED = re.compile(r"log: (\d+) lines? dropped")


class LogStallTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server("--log-queue", "16384", stderr=subprocess.PIPE)
        self.addCleanup(self.server.cleanup)

    def test_calls_keep_working_with_a_stalled_stderr(self):
        channel = grpc.insecure_channel(f"127.0.0.1:{self.server.port}")
        self.addCleanup(channel.close)
        say_hello = channel.unary_unary(
            "/greet.Greeter/SayHello",
            request_serializer=harness.HelloRequest.SerializeToString,
            response_deserializer=harness.HelloReply.FromString)
        health = channel.unary_unary("/grpc.health.v1.Health/Check",
                                     request_serializer=lambda b: b,
                                     response_deserializer=lambda b: b)

        lock = threading.Lock()
        next_call = [0]
        ok = [0]
        failures = []
        stop = threading.Event()

        def worker():
            while not stop.is_set():
                with lock:
                    if next_call[0] >= CALLS:
                        return
                    next_call[0] += 1
                    number = next_call[0]
                try:
                    reply = say_hello(harness.HelloRequest(name=f"n{number}"), timeout=2.0)
                    if reply.message != f"Hello n{number}":
                        raise AssertionError(f"reply {reply.message!r}")
                    with lock:
                        ok[0] += 1
                except (grpc.RpcError, AssertionError) as error:
                    code = error.code() if isinstance(error, grpc.RpcError) else "bad reply"
                    with lock:
                        failures.append((number, code, ok[0]))
                    stop.set()  # one failure is enough: do not wait 2 s for each of thousands

        started = time.monotonic()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started
        self.assertFalse(any(t.is_alive() for t in threads), "call threads did not finish in 60 s")
        print(f"\n{ok[0]} of {CALLS} SayHello OK in {elapsed:.1f} s with stderr not read",
              file=sys.stderr)
        if failures:
            self.fail(f"every SayHello should be OK while stderr is not read; {ok[0]} were OK, "
                      f"then {len(failures)} failed: " + ", ".join(
                          f"call {n} {getattr(code, 'name', code)}"
                          for n, code, _ in failures[:5]))
        self.assertEqual(ok[0], CALLS)
        self.assertEqual(health(b"", timeout=2.0), b"\x08\x01",
                         "grpc.health.v1.Health/Check should answer SERVING (08 01)")

        # Now drain stderr: the count of dropped lines, then per-call lines again.
        lines = []
        cond = threading.Condition()

        def reader():
            for raw in self.server.proc.stderr:
                with cond:
                    lines.append(raw.decode("utf-8", "replace"))
                    cond.notify_all()

        threading.Thread(target=reader, daemon=True).start()

        def dropped_index():
            for i, line in enumerate(lines):
                match = DROPPED.search(line)
                if match and int(match.group(1)) > 0:
                    return i
            return None

        with cond:
            cond.wait_for(lambda: dropped_index() is not None, timeout=10.0)
            index = dropped_index()
            seen = len(lines)
        self.assertIsNotNone(
            index, f"within 10 s of reading stderr, a line 'log: N lines dropped' (N > 0); "
                   f"read {seen} lines, the last: {lines[-3:]}")

        for number in range(10):
            reply = say_hello(harness.HelloRequest(name=f"after{number}"), timeout=2.0)
            self.assertEqual(reply.message, f"Hello after{number}")

        def later_call_lines():
            return sum(1 for line in lines[index + 1:] if " SayHello " in line)

        with cond:
            cond.wait_for(lambda: later_call_lines() >= 1, timeout=5.0)
            count = later_call_lines()
        self.assertGreaterEqual(count, 1,
                                f"per-call log lines (' SayHello ') should follow "
                                f"{lines[index].strip()!r} once calls continue")


if __name__ == "__main__":
    harness.main()

"""Slow readers must not make the server hold unbounded reply memory.

Two connections advertise SETTINGS_INITIAL_WINDOW_SIZE 0 and never grant window, so no reply
DATA can leave the server. On them: 100 bidi streams that each ask for 4 replies padded to 1 MiB
(never half-closed), and 100 unary SayHello with 1 MiB padding. Without a budget the server
builds and keeps every reply (~500 MiB of payload, ~1.8 GiB of RSS measured). With
--max-reply-memory 32 MiB and --max-call-reply-memory 2 MiB it must refuse what does not fit
with RESOURCE_EXHAUSTED and keep serving.
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MIB  # noqa: E402

import grpc  # noqa: E402

CONNECTIONS = 2
BIDI_STREAMS = 100     # in all, spread over the connections
UNARY_CALLS = 100      # in all
REQUESTS_PER_BIDI = 4
PADDING = 1048576
RSS_LIMIT = 160 * MIB


class ReplyMemoryTest(unittest.TestCase):
    def setUp(self):
        # GREETER_ADVERSARIAL_DEFAULT_FLAGS=1 runs the same attack without the budget flags,
        # to see what the server does unprotected (and on a binary that lacks the flags).
        flags = harness.new_flags("--max-reply-memory", "33554432",
                                  "--max-call-reply-memory", "2097152")
        self.flags = flags
        self.server = harness.start_server(*flags)
        self.addCleanup(self.server.cleanup)

    def test_non_reading_clients_are_bounded(self):
        code, text = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.OK, f"first probe: {text}")
        baseline = self.server.rss_bytes()

        conns = [harness.H2Conn(self.server.port, initial_window_size=0, auto_window=False)
                 for _ in range(CONNECTIONS)]
        for conn in conns:
            self.addCleanup(conn.close)
        padded = harness.request_bytes("A", reply_padding_bytes=PADDING)
        for i in range(BIDI_STREAMS):
            conn = conns[i % CONNECTIONS]
            stream_id = conn.start_call("SayHelloBidiStream", flush=False)
            for _ in range(REQUESTS_PER_BIDI):
                conn.send_message(stream_id, padded, flush=False)
            conn.flush()
            conn.pump(0)  # answer SETTINGS and PINGs; grants no window
        for i in range(UNARY_CALLS):
            conn = conns[i % CONNECTIONS]
            conn.call("SayHello", [padded])
            conn.pump(0)

        # RSS at 0, 1, 2 and 3 s after the attack was sent, a probe each time.
        peak = 0
        samples = []
        probe_results = []
        start = time.monotonic()
        for k in range(4):
            target = start + k
            while time.monotonic() < target:  # bounded: ends at target
                for conn in conns:
                    conn.pump(max(0.0, min(0.1, target - time.monotonic())))
            rss = self.server.rss_bytes()
            peak = max(peak, rss)
            samples.append(rss)
            probe_results.append(harness.probe(self.server.port))
        growth = peak - baseline
        print(f"\nRSS baseline {baseline / MIB:.1f} MiB, samples "
              f"{[round(s / MIB, 1) for s in samples]} MiB, growth {growth / MIB:.1f} MiB; "
              f"probes {[c.name for c, _ in probe_results]}", file=sys.stderr)
        self.assertIsNone(self.server.proc.poll(),
                          f"server {harness.exit_description(self.server.proc)}")
        self.assertLess(growth, RSS_LIMIT,
                        f"server RSS grew by {growth / MIB:.0f} MiB over its baseline "
                        f"{baseline / MIB:.0f} MiB with flags {self.flags} "
                        f"(limit {RSS_LIMIT / MIB:.0f} MiB)")
        for code, text in probe_results:
            self.assertEqual(code, grpc.StatusCode.OK, f"probe during the attack: {code} {text}")

        # Now read the first connection: some of its calls were refused for the budget.
        conn = conns[0]
        conn.auto_window = True
        conn.grant_window(16 * MIB)

        def refused():
            return [s for s in conn.streams.values()
                    if s.grpc_status == 8 and "--max-reply-memory" in s.grpc_message]

        conn.wait_until(lambda: len(refused()) > 0, timeout=10.0)
        statuses = {}
        for s in conn.streams.values():
            key = harness.grpc_status_name(s.grpc_status) if s.ended else "open"
            statuses[key] = statuses.get(key, 0) + 1
        messages = sorted({s.grpc_message for s in conn.streams.values() if s.grpc_message})
        print(f"first connection, calls by status: {statuses}; messages: {messages[:4]}",
              file=sys.stderr)
        self.assertGreater(
            len(refused()), 0,
            f"after reading the first connection, at least one call should end with grpc-status "
            f"8 RESOURCE_EXHAUSTED naming --max-reply-memory; calls by status: {statuses}, "
            f"messages {messages[:4]}")

        for c in conns:
            c.close()
        harness.assert_still_serving(self, self.server, "the connections closed")


if __name__ == "__main__":
    harness.main()

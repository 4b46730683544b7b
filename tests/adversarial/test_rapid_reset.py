"""HTTP/2 rapid reset (CVE-2023-44487): open a stream, send the request, cancel it, repeat.

Two connections, 5 s, each stream HEADERS(SayHello) + DATA(a valid request) + RST_STREAM(CANCEL)
on a new stream id (at most 50,000 streams per connection). The server may answer with GOAWAY
(ENHANCE_YOUR_CALM); the attacker then reconnects (bounded). Meanwhile a well-behaved client
probes every 200 ms. The server's memory must stay bounded, it must serve again within 5 s of
the attack and shut down within its drain.
"""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MIB  # noqa: E402

import grpc  # noqa: E402
import h2.errors  # noqa: E402
import h2.exceptions  # noqa: E402

ATTACK_SECONDS = 5.0
CONNECTIONS = 2
MAX_STREAMS_PER_CONNECTION = 50000
MAX_RECONNECTS = 50
BATCH = 20  # streams written per sendall, then whatever the server sent is read


class Attacker(threading.Thread):
    def __init__(self, port, until):
        super().__init__(daemon=True)
        self.port = port
        self.until = until
        self.streams = 0
        self.connections = 0
        self.goaways = []
        self.errors = []

    def run(self):
        request = harness.request_bytes("reset")
        conn = None
        while (time.monotonic() < self.until and self.streams < MAX_STREAMS_PER_CONNECTION
               and self.connections <= MAX_RECONNECTS):
            if conn is None or conn.closed or conn.goaway is not None:
                if conn is not None:
                    if conn.goaway is not None:
                        self.goaways.append(conn.goaway.error_code)
                    conn.close()
                try:
                    conn = harness.H2Conn(self.port)
                except OSError as error:
                    self.errors.append(repr(error))
                    conn = None
                    self.connections += 1
                    continue
                self.connections += 1
            try:
                for _ in range(BATCH):
                    if self.streams >= MAX_STREAMS_PER_CONNECTION:
                        break
                    stream_id = conn.start_call("SayHello", flush=False)
                    conn.send_message(stream_id, request, flush=False)
                    conn.reset(stream_id, h2.errors.ErrorCodes.CANCEL, flush=False)
                    self.streams += 1
                conn.flush()
                # Read (and ack SETTINGS / PINGs, grant window) only what is already there.
                for _ in range(10):
                    before = conn.events_seen
                    if not conn.pump(0) or conn.events_seen == before:
                        break
                # Forget finished streams: the test does not need their results.
                if len(conn.streams) > 1000:
                    conn.streams.clear()
            except (OSError, h2.exceptions.ProtocolError) as error:
                self.errors.append(repr(error))
                conn.closed = True
        if conn is not None:
            if conn.goaway is not None:
                self.goaways.append(conn.goaway.error_code)
            conn.close()


class RapidResetTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server()
        self.addCleanup(self.server.cleanup)

    def test_rapid_reset(self):
        code, text = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.OK, f"first probe: {text}")
        baseline = self.server.rss_bytes()

        until = time.monotonic() + ATTACK_SECONDS
        attackers = [Attacker(self.server.port, until) for _ in range(CONNECTIONS)]
        probes = []
        peak = [baseline]
        attack_over = threading.Event()

        def prober():
            next_at = time.monotonic()
            for _ in range(int(ATTACK_SECONDS / 0.2) + 5):  # bounded
                if attack_over.wait(timeout=max(0.0, next_at - time.monotonic())):
                    return
                next_at += 0.2
                probes.append(harness.probe(self.server.port))
                peak[0] = max(peak[0], self.server.rss_bytes())

        probe_thread = threading.Thread(target=prober, daemon=True)
        for attacker in attackers:
            attacker.start()
        probe_thread.start()
        for attacker in attackers:
            attacker.join(timeout=ATTACK_SECONDS + 30)
        attack_over.set()
        probe_thread.join(timeout=10)
        self.assertFalse(any(a.is_alive() for a in attackers), "attack threads did not stop")

        rss_end = self.server.rss_bytes()
        alive = self.server.proc.poll() is None
        started = time.monotonic()
        code, text = harness.probe_until_ok(self.server.port, within=5.0) if alive else (None, "")
        recovery = time.monotonic() - started
        exit_time = self.server.stop(timeout=15.0)
        failures = [(c.name if c else c, t) for c, t in probes if c != grpc.StatusCode.OK]

        streams = [a.streams for a in attackers]
        print(f"\nrapid reset: streams sent {streams} (total {sum(streams)}) in "
              f"{ATTACK_SECONDS:.0f} s on {[a.connections for a in attackers]} connection(s); "
              f"GOAWAYs {[str(g) for a in attackers for g in a.goaways][:6]}; "
              f"RSS baseline {baseline / MIB:.1f} MiB, peak {peak[0] / MIB:.1f} MiB, end "
              f"{rss_end / MIB:.1f} MiB; probes {len(probes)}, failed {len(failures)} "
              f"{failures[:3]}; OK again after {recovery:.2f} s; SIGTERM exit took "
              f"{exit_time:.2f} s (code {self.server.proc.returncode}); attacker errors "
              f"{[e for a in attackers for e in a.errors][:3]}", file=sys.stderr)

        self.assertTrue(alive, f"server {harness.exit_description(self.server.proc)} during the "
                               f"attack")
        self.assertLess(rss_end, baseline + 1536 * MIB,
                        f"server RSS {rss_end / MIB:.0f} MiB at the end of the attack, baseline "
                        f"{baseline / MIB:.0f} MiB: grew by 1536 MiB or more")
        self.assertEqual(code, grpc.StatusCode.OK,
                         f"probe SayHello within 5 s after the attack stopped: {code} {text}")
        self.assertLess(exit_time, 10.0,
                        f"SIGTERM with the default --drain 5s: the server took {exit_time:.1f} s "
                        f"to exit (limit 10 s)")
        self.assertEqual(self.server.proc.returncode, 0,
                         f"exit after SIGTERM: {harness.exit_description(self.server.proc)}")


if __name__ == "__main__":
    harness.main()

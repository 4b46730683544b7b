"""WINDOW_UPDATE flood on stream 0: figures only (server CPU, whether it closed the connection).

For 3 s one connection sends WINDOW_UPDATE(+1) on stream 0 as fast as it can (at most
2,000,000 frames). Each is legal and cheap, but each costs the server a frame parse. The test
prints what it cost and only asserts that the server is alive and serving afterwards.
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402

SECONDS = 3.0
MAX_FRAMES = 2_000_000
BATCH = 2000
# WINDOW_UPDATE: length 4, type 8, flags 0, stream 0; increment 1.
FRAME = b"\x00\x00\x04\x08\x00\x00\x00\x00\x00" + b"\x00\x00\x00\x01"


class WindowUpdateFloodTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server()
        self.addCleanup(self.server.cleanup)

    def test_window_update_flood(self):
        conn = harness.H2Conn(self.server.port)
        self.addCleanup(conn.close)
        conn.wait_until(lambda: conn.events_seen > 0, timeout=5.0)  # the server's SETTINGS
        chunk = FRAME * BATCH
        sent = 0
        send_error = None
        cpu_before = self.server.cpu_seconds()
        started = time.monotonic()
        conn.sock.settimeout(2.0)
        while time.monotonic() - started < SECONDS and sent < MAX_FRAMES and not conn.closed:
            try:
                conn.sock.sendall(chunk)  # raw frames: h2's state does not need to know
            except OSError as error:
                send_error = repr(error)
                break
            sent += BATCH
            conn.pump(0)  # PING / GOAWAY from the server
        elapsed = time.monotonic() - started
        # A PING after the flood: its ACK means the server has parsed every frame before it.
        acked = False
        if not conn.closed:
            try:
                conn.conn.ping(b"floodend")
                conn.flush()
                acked = conn.wait_until(lambda: conn.ping_acks > 0, timeout=10.0)
            except OSError:
                pass
        processed = time.monotonic() - started
        cpu = self.server.cpu_seconds() - cpu_before if self.server.alive() else float("nan")
        goaway = (f"GOAWAY {conn.goaway.error_code!r}" if conn.goaway is not None
                  else "no GOAWAY")
        print(f"\nWINDOW_UPDATE flood: {sent} frames written in {elapsed:.2f} s, all parsed by "
              f"the server (PING ACK) after {processed:.2f} s: {acked} "
              f"({sent / max(processed, 1e-9):,.0f} frames/s); server CPU {cpu:.2f} s "
              f"({100 * cpu / max(processed, 1e-9):.0f}% of one core, "
              f"{1e9 * cpu / max(sent, 1):.0f} ns/frame); {goaway}; connection closed "
              f"by the server: {conn.closed}; send error: {send_error}", file=sys.stderr)
        conn.close()
        harness.assert_still_serving(self, self.server, "the flood")


if __name__ == "__main__":
    harness.main()

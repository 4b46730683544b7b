"""--max-concurrent-streams must hold for a client that opens streams before reading SETTINGS.

HTTP/2 lets a client open streams before it has seen the server's SETTINGS; until the client
acks them, gRPC's transport does not enforce SETTINGS_MAX_CONCURRENT_STREAMS. A client that sends
its preface and at once 50 bidi streams must still get at most 20 calls in flight (greeter counts
calls per connection itself, to twice the limit: a call a client ended frees its stream before its
place in greeter's count): the rest end with RESOURCE_EXHAUSTED naming --max-concurrent-streams (or
RST_STREAM REFUSED_STREAM).
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402
import h2.errors  # noqa: E402

LIMIT = 10
CAP = 2 * LIMIT  # greeter's own count per connection
STREAMS = 50


class StreamLimitTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server("--max-concurrent-streams", str(LIMIT))
        self.addCleanup(self.server.cleanup)

    def test_streams_opened_before_settings_ack(self):
        conn = harness.H2Conn(self.server.port, send_preface=False)
        self.addCleanup(conn.close)
        # Preface + SETTINGS and the 50 streams in one write, before reading a byte.
        conn.conn.initiate_connection()
        ids = []
        for i in range(STREAMS):
            stream_id = conn.start_call("SayHelloBidiStream", flush=False)
            conn.send_message(stream_id, harness.request_bytes(f"s{i}"), flush=False)
            ids.append(stream_id)
        conn.flush()

        def limited(stream):
            if stream.reset_code == h2.errors.ErrorCodes.REFUSED_STREAM:
                return True
            return stream.grpc_status == 8 and "--max-concurrent-streams" in stream.grpc_message

        started = time.monotonic()
        conn.wait_until(lambda: sum(limited(conn.streams[i]) for i in ids) >= STREAMS - CAP,
                        timeout=5.0)
        elapsed = time.monotonic() - started
        conn.pump(0.2)  # whatever else is already on its way
        streams = [conn.streams[i] for i in ids]
        open_streams = [s for s in streams if not s.ended]
        refused_rst = [s for s in streams
                       if s.reset_code == h2.errors.ErrorCodes.REFUSED_STREAM]
        exhausted = [s for s in streams if s.grpc_status == 8
                     and "--max-concurrent-streams" in s.grpc_message]
        other = [s.describe() for s in streams if s.ended and not limited(s)]
        answered = sum(1 for s in open_streams if s.messages)
        print(f"\n{STREAMS} streams, --max-concurrent-streams {LIMIT}: open {len(open_streams)} "
              f"({answered} of them answered their request), "
              f"RESOURCE_EXHAUSTED {len(exhausted)}, REFUSED_STREAM {len(refused_rst)}, other "
              f"{len(other)} {other[:3]}; limited ones ended within {elapsed:.2f} s",
              file=sys.stderr)
        self.assertFalse(conn.closed, "the server closed the connection")
        self.assertLessEqual(
            len(open_streams), CAP,
            f"at most {CAP} of the {STREAMS} streams may stay open; {len(open_streams)} are "
            f"open, {answered} of them answered (RESOURCE_EXHAUSTED {len(exhausted)}, REFUSED_STREAM {len(refused_rst)}, "
            f"other endings {other[:3]})")
        self.assertGreaterEqual(
            len(exhausted) + len(refused_rst), STREAMS - CAP,
            f"at least {STREAMS - CAP} streams should end within 5 s with grpc-status 8 "
            f"RESOURCE_EXHAUSTED naming --max-concurrent-streams, or RST_STREAM REFUSED_STREAM; "
            f"got {len(exhausted)} + {len(refused_rst)}; other endings {other[:3]}")

        code, text = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.OK, f"probe on another connection: {text}")


if __name__ == "__main__":
    harness.main()

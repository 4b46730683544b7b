"""--max-open-calls must hold however the streams are spread over connections.

Every open call costs the server gRPC memory (about 18 KiB idle) and, on Debian's libgrpc, time
in every completion of every other call. A client that opens idle streams on several
connections, each within --max-concurrent-streams, must still leave the server at most
--max-open-calls calls: past it, new calls end with RESOURCE_EXHAUSTED naming the flag, the open
ones are still served, and once the streams go a new call is served again.
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402

BUDGET = 30
CONNECTIONS = 3
STREAMS_PER_CONNECTION = 15  # within --max-concurrent-streams; 45 in all


class OpenCallsTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server("--max-open-calls", str(BUDGET))
        self.addCleanup(self.server.cleanup)

    def test_streams_over_several_connections_stop_at_the_budget(self):
        conns = []
        for _ in range(CONNECTIONS):
            conn = harness.H2Conn(self.server.port)
            self.addCleanup(conn.close)
            conns.append(conn)
        calls = []  # (connection, stream id)
        for c, conn in enumerate(conns):
            for i in range(STREAMS_PER_CONNECTION):
                stream_id = conn.start_call("SayHelloBidiStream", flush=False)
                conn.send_message(stream_id, harness.request_bytes(f"c{c}s{i}"), flush=False)
                calls.append((conn, stream_id))
            conn.flush()

        def refused(conn, stream_id):
            stream = conn.streams[stream_id]
            return stream.grpc_status == 8 and "--max-open-calls" in stream.grpc_message

        def answered(conn, stream_id):
            return bool(conn.streams[stream_id].messages)

        def settled():
            for conn in conns:
                conn.pump(0.05)
            return all(refused(*call) or answered(*call) for call in calls)

        started = time.monotonic()
        while not settled() and time.monotonic() - started < 5.0:
            pass
        served = sum(answered(*call) for call in calls)
        refusals = sum(refused(*call) for call in calls)
        other = [conn.streams[i].describe() for conn, i in calls
                 if not refused(conn, i) and not answered(conn, i)]
        print(f"\n{len(calls)} streams on {CONNECTIONS} connections, --max-open-calls {BUDGET}: "
              f"{served} answered, {refusals} refused, other {len(other)} {other[:3]}",
              file=sys.stderr)
        self.assertEqual(served, BUDGET, f"answered {served}, refused {refusals}, {other[:3]}")
        self.assertEqual(refusals, len(calls) - BUDGET, f"other endings {other[:3]}")

        code, text = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.RESOURCE_EXHAUSTED, text)
        self.assertIn(f"already has {BUDGET} calls open", text)
        self.assertIn("--max-open-calls", text)

        for conn in conns:
            conn.close()
        harness.assert_still_serving(self, self.server, "the streams went")


if __name__ == "__main__":
    harness.main()

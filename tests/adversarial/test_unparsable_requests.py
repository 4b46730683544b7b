"""Requests that do not parse as greet.HelloRequest: INVALID_ARGUMENT naming the request number.

A gRPC message whose bytes are not a HelloRequest (a lying length prefix, a string field that is
not UTF-8) must end its call with grpc-status 3 and "request N could not be parsed" (N: 1-based
number of the request on its call), after the replies already owed to earlier good requests,
and be logged like any other call.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402

LYING_LENGTH = b"\x0a\x7f" + b"ab"      # field 1, length 127, but only 2 bytes follow
NOT_UTF8 = b"\x0a\x02\xff\xfe"           # field 1 (string name) = bytes ff fe


class UnparsableRequestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_server()
        cls.expected_log = {}  # method -> number of INVALID_ARGUMENT lines expected

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.conn = harness.H2Conn(self.server.port)
        self.addCleanup(self.conn.close)

    def run_call(self, method, messages):
        stream_id = self.conn.call(method, messages)
        stream = self.conn.wait_for(stream_id, timeout=5.0)
        self.assertTrue(stream.ended, f"{method}: the call did not end within 5 s")
        self.expected_log[method] = self.expected_log.get(method, 0) + 1
        return stream

    def assert_invalid(self, method, stream, request_number):
        self.assertIsNone(self.server.proc.poll(),
                          f"server {harness.exit_description(self.server.proc)}")
        self.assertEqual(
            stream.grpc_status, 3,
            f"{method}: expected grpc-status 3 INVALID_ARGUMENT, got "
            f"{harness.grpc_status_name(stream.grpc_status)} {stream.grpc_message!r}; "
            f"{stream.describe()}")
        self.assertIn(f"request {request_number} could not be parsed", stream.grpc_message,
                      f"{method}: grpc-message should say which request could not be parsed")

    def test_1_unary_lying_length(self):
        stream = self.run_call("SayHello", [LYING_LENGTH])
        self.assert_invalid("SayHello", stream, 1)
        self.assertEqual(stream.messages, [], "SayHello: no reply expected")

    def test_2_unary_not_utf8(self):
        stream = self.run_call("SayHello", [NOT_UTF8])
        self.assert_invalid("SayHello", stream, 1)
        self.assertEqual(stream.messages, [], "SayHello: no reply expected")

    def test_3_client_stream_third_bad(self):
        stream = self.run_call("SayHelloClientStream",
                               [harness.request_bytes("A"), harness.request_bytes("B"),
                                LYING_LENGTH])
        self.assert_invalid("SayHelloClientStream", stream, 3)
        self.assertEqual(stream.messages, [],
                         f"SayHelloClientStream: no reply expected, got "
                         f"{[r.message for r in stream.replies()]}")

    def test_4_bidi_third_bad(self):
        stream = self.run_call("SayHelloBidiStream",
                               [harness.request_bytes("A"), harness.request_bytes("B"),
                                LYING_LENGTH, harness.request_bytes("D")])
        self.assert_invalid("SayHelloBidiStream", stream, 3)
        self.assertEqual([r.message for r in stream.replies()], ["Hello A", "Hello B"],
                         "SayHelloBidiStream: exactly the replies to the two good requests "
                         "before the bad one")

    def test_5_server_stream_bad(self):
        stream = self.run_call("SayHelloServerStream", [NOT_UTF8])
        self.assert_invalid("SayHelloServerStream", stream, 1)
        self.assertEqual(stream.messages, [], "SayHelloServerStream: no reply expected")

    def test_6_logged_and_still_serving(self):
        # Runs last (unittest orders by name): every call above must be in the call log.
        expected = dict(self.expected_log)
        self.assertTrue(expected, "run the whole file: this test checks the calls of the others")

        def counts(text):
            lines = text.splitlines()
            return {m: sum(1 for line in lines if f" {m} " in line and "INVALID_ARGUMENT" in line)
                    for m in expected}

        text = self.server.wait_for_stderr(
            lambda t: all(counts(t)[m] >= n for m, n in expected.items()), within=5.0)
        got = counts(text)
        for method, n in expected.items():
            self.assertGreaterEqual(
                got[method], n,
                f"call log (server stderr) should have {n} line(s) with ' {method} ' and "
                f"INVALID_ARGUMENT, found {got[method]}; log tail:\n{text[-2000:]}")
        code, reply = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.OK, f"probe SayHello: {reply}")
        self.assertTrue(reply.startswith("Hello "), f"probe reply {reply!r}")


if __name__ == "__main__":
    harness.main()

"""Hostile x-echo-* metadata: the server must refuse it per call (INVALID_ARGUMENT), not abort.

The server echoes request metadata x-echo-initial-* as initial metadata and x-echo-trailing-* as
trailers. A key or value that is not valid gRPC metadata (non-ASCII, control bytes, newline,
upper case, a space in the key) must end that one call with grpc-status 3 naming the key, and
leave the server serving.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402

METHODS = ["SayHello", "SayHelloServerStream", "SayHelloClientStream", "SayHelloBidiStream"]

HOSTILE = [
    ("non-ASCII value", b"x-echo-initial-cafe", "café".encode("utf-8")),
    ("control byte in value", b"x-echo-trailing-ctl", b"a\x01b"),
    ("newline in value", b"x-echo-initial-newline", b"line1\nline2"),
    ("upper-case key", b"x-echo-initial-Team", b"blue"),
    ("space in key", b"x-echo-trailing-a b", b"blue"),
]

EXPECTED_GREETING = {
    "SayHello": "Hello A",
    "SayHelloServerStream": "Hello A",
    "SayHelloClientStream": "Hello A",
    "SayHelloBidiStream": "Hello A",
}


def request_for(method):
    if method == "SayHelloServerStream":
        # One quick reply: the test is about metadata, not timing.
        return harness.request_bytes("A", count=1, interval_ms=0)
    return harness.request_bytes("A")


class MetadataEchoTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_server()
        self.addCleanup(self.server.cleanup)

    def one_call(self, method, key, value, timeout=5.0):
        conn = harness.H2Conn(self.server.port)
        try:
            stream_id = conn.call(method, [request_for(method)], extra_headers=[(key, value)])
            return conn.wait_for(stream_id, timeout)
        finally:
            conn.close()

    def test_hostile_metadata_is_invalid_argument_on_every_method(self):
        crashes = []
        for method in METHODS:
            for label, key, value in HOSTILE:
                with self.subTest(method=method, case=label, key=key):
                    stream = self.one_call(method, key, value)
                    # A lost connection may be the process dying: give it a moment to be reaped.
                    died = (self.server.exited_within(1.0) if stream.connection_lost
                            else self.server.proc.poll() is not None)
                    if died:
                        # Record it, and restart so every other case is still tried on its own.
                        crashes.append(f"{method} with {label}: server "
                                       f"{harness.exit_description(self.server.proc)}")
                        tail = self.server.stderr_text()[-600:]
                        self.server.cleanup()
                        self.server = harness.start_server()
                        self.addCleanup(self.server.cleanup)
                    self.assertFalse(died, f"{method} with {label} ({key.decode()!r}: {value!r}) "
                                           f"{crashes[-1] if died else ''}; stderr tail: "
                                           f"{tail if died else ''}")
                    self.assertEqual(
                        stream.grpc_status, 3,
                        f"{method} with {label} ({key.decode()!r}: {value!r}): expected "
                        f"grpc-status 3 INVALID_ARGUMENT, got "
                        f"{harness.grpc_status_name(stream.grpc_status)}; {stream.describe()}")
                    self.assertIn(
                        key.decode("latin-1"), stream.grpc_message,
                        f"{method} with {label}: grpc-message should name the key as sent "
                        f"({key.decode()!r}), got {stream.grpc_message!r}")
        self.assertEqual(crashes, [], f"the server died on {len(crashes)} of "
                                      f"{len(METHODS) * len(HOSTILE)} hostile calls")
        self.assertIsNone(self.server.proc.poll(),
                          f"server died: {harness.exit_description(self.server.proc)}")
        code, text = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.OK, f"probe SayHello after the hostile calls: {text}")
        self.assertTrue(text.startswith("Hello "), f"probe reply {text!r}")

    def test_binary_metadata_is_echoed(self):
        blob = bytes(range(256)) + b"\x00\xff"
        for method in METHODS:
            with self.subTest(method=method):
                stream = self.one_call(method, b"x-echo-initial-blob-bin",
                                       harness.b64_nopad(blob))
                self.assertEqual(stream.grpc_status, 0,
                                 f"{method} with x-echo-initial-blob-bin: expected grpc-status 0, "
                                 f"got {harness.grpc_status_name(stream.grpc_status)} "
                                 f"{stream.grpc_message!r}; {stream.describe()}")
                echoed = stream.header(b"x-echo-initial-blob-bin", stream.headers or [])
                self.assertIsNotNone(echoed, f"{method}: x-echo-initial-blob-bin missing from the "
                                             f"initial metadata {stream.headers}")
                self.assertEqual(harness.b64_decode_any(echoed), blob,
                                 f"{method}: echoed -bin value differs")
                self.assertTrue(stream.messages and stream.replies()[0].message.startswith(EXPECTED_GREETING[method]), f"{method}: reply {[r.message for r in stream.replies()]}")

    def test_valid_trailing_echo(self):
        for method in METHODS:
            with self.subTest(method=method):
                stream = self.one_call(method, b"x-echo-trailing-team", b"blue")
                self.assertEqual(stream.grpc_status, 0,
                                 f"{method} with x-echo-trailing-team: blue: expected grpc-status "
                                 f"0, got {harness.grpc_status_name(stream.grpc_status)} "
                                 f"{stream.grpc_message!r}")
                trailers = stream.trailers if stream.trailers is not None else stream.headers
                self.assertEqual(stream.header(b"x-echo-trailing-team", trailers or []), b"blue",
                                 f"{method}: trailers {trailers} should carry "
                                 f"x-echo-trailing-team: blue")
                self.assertTrue(stream.messages and stream.replies()[0].message.startswith(EXPECTED_GREETING[method]), f"{method}: reply {[r.message for r in stream.replies()]}")


if __name__ == "__main__":
    harness.main()

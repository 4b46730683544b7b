"""Descriptor exhaustion: more connections than the server has file descriptors.

The server runs with RLIMIT_NOFILE 256. 300 clients connect (each sends the HTTP/2 preface +
SETTINGS), twice:
- with --max-connections 150, the server must close the ones over its cap promptly and say so
  on stderr ("connections refused: ... over --max-connections");
- with --max-connections 1000 (more than it has descriptors for), it runs out of descriptors:
  it must say so ("for want of file descriptors") and not lose its listener (gRPC 1.51's own
  listener stops for good: CVE-2023-4785).
Either way, once the clients go, a new client is served.
"""

import os
import resource
import select
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import grpc  # noqa: E402

CLIENTS = 300
CAP = 150
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def low_fd_limit():
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


class FdExhaustionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 1024:  # this process holds 300 sockets
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))

    def start_server(self, max_connections):
        # GREETER_ADVERSARIAL_DEFAULT_FLAGS=1: without --max-connections (today's binary).
        self.server = harness.start_server(
            *harness.new_flags("--max-connections", max_connections), preexec_fn=low_fd_limit)
        self.addCleanup(self.server.cleanup)

    def open_clients(self):
        socks = []
        errors = []
        deadline = time.monotonic() + 10.0
        for _ in range(CLIENTS):
            if time.monotonic() >= deadline:
                break
            try:
                sock = socket.create_connection(("127.0.0.1", self.server.port),
                                                timeout=max(0.1, deadline - time.monotonic()))
                sock.sendall(PREFACE)
                sock.setblocking(False)
                socks.append(sock)
            except OSError as error:
                errors.append(repr(error))
        return socks, errors

    def count_closed(self, socks, within, want):
        """Read every socket for up to `within` s; returns the set closed by the server."""
        poller = select.poll()
        by_fd = {s.fileno(): s for s in socks}
        for fd in by_fd:
            poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        closed = set()
        deadline = time.monotonic() + within
        while len(closed) < want:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            for fd, _ in poller.poll(int(min(remaining, 0.2) * 1000) + 1):
                sock = by_fd[fd]
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:  # ECONNRESET: closed too
                    data = b""
                if not data:
                    closed.add(fd)
                    poller.unregister(fd)
        return closed

    def test_connections_over_the_cap_are_closed(self):
        self.start_server(CAP)
        self.run_floods(refusal="over --max-connections", want_closed=100)

    def test_listener_survives_running_out_of_descriptors(self):
        self.start_server(1000)
        self.run_floods(refusal="for want of file descriptors", want_closed=0)

    def run_floods(self, refusal, want_closed):
        code, text = harness.probe(self.server.port)
        self.assertEqual(code, grpc.StatusCode.OK, f"first probe: {text}")
        for cycle in (1, 2):
            started = time.monotonic()
            socks, errors = self.open_clients()
            try:
                opened = time.monotonic() - started
                # While the clients still hold their connections: the refusals happen now.
                text = self.server.wait_for_stderr(lambda t: refusal in t, within=5.0)
                closed = (self.count_closed(socks, within=5.0, want=len(socks) - CAP)
                          if want_closed else set())
                alive = self.server.proc.poll() is None
            finally:
                for sock in socks:
                    sock.close()
            code, reply = ((None, "server not running") if not alive else
                           harness.probe_until_ok(self.server.port, within=5.0))
            print(f"\ncycle {cycle}: {len(socks)} of {CLIENTS} connected in {opened:.2f} s "
                  f"({len(errors)} connect errors {errors[:2]}); closed by the server within "
                  f"5 s: {len(closed)}; {refusal!r} on stderr: {refusal in text}; probe after closing them: "
                  f"{getattr(code, 'name', code)}", file=sys.stderr)
            with self.subTest(cycle=cycle, check="server alive"):
                self.assertTrue(alive, f"server {harness.exit_description(self.server.proc)}")
            with self.subTest(cycle=cycle, check="over the cap closed"):
                self.assertGreaterEqual(
                    len(closed), want_closed,
                    f"with --max-connections {CAP} and {len(socks)} clients, at least "
                    f"{want_closed} should be closed by the server (EOF) within 5 s; "
                    f"{len(closed)} were")
            with self.subTest(cycle=cycle, check="stderr says why connections were refused"):
                self.assertIn(refusal, text,
                              f"server stderr should mention {refusal!r}; its tail:\n"
                              f"{text[-1500:]}")
            with self.subTest(cycle=cycle, check="listener still accepts"):
                self.assertEqual(code, grpc.StatusCode.OK,
                                 f"within 5 s of closing the {len(socks)} clients, a new client "
                                 f"should be served (the listener still accepts): {code} "
                                 f"{reply}; stderr tail:\n{self.server.stderr_text()[-600:]}")

if __name__ == "__main__":
    harness.main()

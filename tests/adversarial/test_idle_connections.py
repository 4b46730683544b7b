"""Idle connections: a client that connects and never calls must not hold a connection forever.

With --max-connection-idle 1s a connection that only sent its preface + SETTINGS (and answers
PINGs and SETTINGS, as a live client would) is sent GOAWAY and/or closed within 5 s. And the
default of --max-connection-idle is not 0 (never): it is 5m.
"""

import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class IdleConnectionsTest(unittest.TestCase):
    def test_idle_connection_is_closed(self):
        server = harness.start_server("--max-connection-idle", "1s")
        self.addCleanup(server.cleanup)
        conn = harness.H2Conn(server.port)
        self.addCleanup(conn.close)
        started = time.monotonic()
        # pump() acks the server's SETTINGS and answers its PINGs (h2 does both by itself).
        conn.wait_until(lambda: conn.goaway is not None or conn.closed, timeout=5.0)
        elapsed = time.monotonic() - started
        goaway = (f"GOAWAY {conn.goaway.error_code!r} {conn.goaway.additional_data!r}"
                  if conn.goaway is not None else "no GOAWAY")
        print(f"\nidle connection: {goaway}, closed {conn.closed}, after {elapsed:.2f} s",
              file=sys.stderr)
        self.assertTrue(conn.goaway is not None or conn.closed,
                        "with --max-connection-idle 1s, a connection with no call should get "
                        "GOAWAY or be closed within 5 s; it got neither")
        self.assertIsNone(server.proc.poll(), f"server {harness.exit_description(server.proc)}")

    def test_default_idle_limit_is_not_zero(self):
        result = subprocess.run([harness.server_bin(), "--help"], capture_output=True,
                                text=True, timeout=20)
        help_text = result.stdout + result.stderr
        lines = help_text.splitlines()
        index = next((i for i, line in enumerate(lines)
                      if line.strip().startswith("--max-connection-idle")), None)
        self.assertIsNotNone(index, f"--help lists no --max-connection-idle:\n{help_text}")
        line = lines[index].strip()
        match = re.match(r"--max-connection-idle\s+\S*?=(\S+)", line)
        self.assertIsNotNone(match, f"the --help line shows no default: {line!r}")
        default = match.group(1)
        self.assertFalse(re.fullmatch(r"0(ms|s|m|h)?", default),
                         f"--max-connection-idle should default to a limit (5m), not {default!r}: "
                         f"{line!r}")


if __name__ == "__main__":
    harness.main()

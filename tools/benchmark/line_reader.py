"""Reading a child's output line by line with a deadline, never blocking past it."""

import os
import select
import time


class LineReader:
    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.pending = b""
        self.ended = False

    def read_line(self, deadline):
        """The next line (without its newline), or None at the end of output or the deadline
        (monotonic seconds)."""
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if self.ended or left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self.ended = True
                continue
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode(errors="replace")

    def read_until(self, prefix, deadline):
        """The first line starting with `prefix`, skipping others; None as read_line."""
        while True:
            line = self.read_line(deadline)
            if line is None or line.startswith(prefix):
                return line

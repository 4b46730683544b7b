"""The servers under test: how each is started, pinned to its core, waited for and stopped."""

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass

from .line_reader import LineReader

READY_LINE = re.compile(r"listening on (\S+):(\d+)\s*$")
READY_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10


@dataclass(frozen=True)
class ServerKind:
    key: str  # short name for --servers
    title: str  # column title in the results
    command: tuple  # argv, listening on 127.0.0.1:0


def server_kinds(repo, build_dir):
    """Every server the bench knows, greeter-server first (the others are compared with it)."""
    stubs = os.path.join(build_dir, "python-stubs")
    greeter = (os.path.join(build_dir, "server", "greeter-server"), "--listen", "127.0.0.1:0",
               # Limits wide enough for every scenario (the defaults are for people, not load).
               "--max-name-bytes", str(1 << 20), "--max-receive-bytes", str(4 << 20),
               "--max-count", str(100_000_000), "--max-client-stream-names", str(1 << 24),
               "--max-open-calls", str(1_000_000))
    return [
        ServerKind("greeter", "greeter-server", greeter + ("--quiet",)),
        # Its default: a line per finished call, to the bench's log file.
        ServerKind("greeter-logged", "greeter-server, logging", greeter),
        ServerKind("cq", "C++ CQ reference", (
            os.path.join(build_dir, "tools", "peers", "cpp", "greeter-cq-server"),
            "--listen", "127.0.0.1:0")),
        ServerKind("node", "Node.js grpc-js", (
            "node", os.path.join(repo, "tools", "peers", "node", "server.js"), "127.0.0.1:0")),
        ServerKind("python", "Python grpcio", (
            "/usr/bin/python3", os.path.join(repo, "tools", "peers", "python", "server.py"),
            "--stubs", stubs, "--listen", "127.0.0.1:0")),
    ]


class RunningServer:
    """One server process on core `cpu`, from its ready line to its stop."""

    def __init__(self, kind, cpu, log_path):
        self.kind = kind
        self.log = open(log_path, "a")
        self.log.write(f"--- {' '.join(kind.command)}\n")
        self.log.flush()
        self.process = subprocess.Popen(
            ("taskset", "-c", str(cpu)) + kind.command, stdout=subprocess.PIPE,
            stderr=self.log, stdin=subprocess.DEVNULL)
        self.pid = self.process.pid  # taskset execs the server: same process
        self.target = self._wait_until_ready()

    def _wait_until_ready(self):
        lines = LineReader(self.process.stdout)
        line = lines.read_until("", time.monotonic() + READY_TIMEOUT_S)
        while line is not None:
            match = READY_LINE.search(line)
            if match:
                return f"{match.group(1)}:{match.group(2)}"
            line = lines.read_line(time.monotonic() + READY_TIMEOUT_S)
        self.stop()
        raise RuntimeError(f"{self.kind.title} did not print its ready line; see {self.log.name}")

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for {self.kind.title}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

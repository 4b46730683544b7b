"""Instructions per call and per message, counted by callgrind: unlike times, these do not move
with whatever else the machine is doing, so small differences between two C++ servers show.

Each figure is the difference of two runs that differ only in the number of calls (or of
messages on one call), divided by that difference: start-up and shutdown cancel out."""

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

from .line_reader import LineReader
from .servers import READY_LINE, READY_TIMEOUT_S


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # what one unit is
    args: tuple  # greeter-bench arguments; {n} is the number of units
    small: int
    large: int


MEASURES = [
    Measure("unary", "instructions per unary call",
            ("--mode", "unary", "--requests", "{n}", "--connections", "2", "--concurrency", "16"),
            1000, 4000),
    Measure("server-stream", "instructions per server-stream reply",
            ("--mode", "server-stream", "--requests", "1", "--messages", "{n}"), 2000, 10000),
    Measure("client-stream", "instructions per client-stream request",
            ("--mode", "client-stream", "--requests", "1", "--messages", "{n}"), 2000, 10000),
    Measure("bidi", "instructions per bidi request and reply",
            ("--mode", "bidi", "--requests", "1", "--messages", "{n}", "--window", "8"),
            2000, 10000),
]


def _total_instructions(callgrind_file):
    with open(callgrind_file) as profile:
        for line in profile:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {callgrind_file}")


def _run_once(server_command, bench, measure, units, log):
    with tempfile.TemporaryDirectory() as scratch:
        out_file = os.path.join(scratch, "callgrind.out")
        server = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
             *server_command], stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        try:
            lines = LineReader(server.stdout)
            deadline = time.monotonic() + READY_TIMEOUT_S * 4  # valgrind starts slowly
            line, target = "", None
            while line is not None and target is None:
                line = lines.read_line(deadline)
                match = READY_LINE.search(line or "")
                target = match and f"{match.group(1)}:{match.group(2)}"
            if not target:
                raise RuntimeError("server under callgrind printed no ready line")
            args = [a.replace("{n}", str(units)) for a in measure.args]
            result = subprocess.run([bench, "--target", target, "--warmup", "0s",
                                     "--duration", "600s", *args],
                                    capture_output=True, text=True, timeout=900)
            if result.returncode != 0:
                raise RuntimeError(f"greeter-bench {' '.join(args)}: {result.stdout}"
                                   f"{result.stderr}")
        finally:
            server.terminate()
            server.wait(timeout=120)
            server.stdout.close()
        return _total_instructions(out_file)


def instructions_per_unit(server_command, bench, measure, log):
    small = _run_once(server_command, bench, measure, measure.small, log)
    large = _run_once(server_command, bench, measure, measure.large, log)
    return (large - small) / (measure.large - measure.small)

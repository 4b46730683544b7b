"""Runs the two load generators against a running server: greeter-bench and h2load."""

import json
import os
import re
import resource
import subprocess
import time

from . import syscalls
from .line_reader import LineReader

LOADGEN_CPU = 1
H2LOAD_RESULT = re.compile(r"finished in [\d.]+s, ([\d.]+) req/s")
H2LOAD_REQUESTS = re.compile(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed")


def _ticks_to_seconds(ticks):
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU time all cores have spent busy so far (as greeter-bench counts it)."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[1:8])
    return _ticks_to_seconds(user + nice + system + irq + softirq)


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return _ticks_to_seconds(int(fields[11]) + int(fields[12]))  # utime, stime: fields 14, 15


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _milliseconds(seconds):
    return f"{round(seconds * 1000)}ms"


def payload_name(size):
    """The name greeter-bench sends for --payload SIZE: a-z repeated."""
    return "".join(chr(ord("a") + i % 26) for i in range(size))


def run_greeter_bench(bench_binary, server, args, timing, count_syscalls=False):
    """One greeter-bench run on core LOADGEN_CPU; returns its JSON report (a dict), with the
    server's syscalls per 1,000 messages under "server_syscalls" when `count_syscalls`."""
    command = ["taskset", "-c", str(LOADGEN_CPU), bench_binary, "--target", server.target,
               "--server-pid", str(server.pid), "--json", "--warmup",
               _milliseconds(timing.warmup_s), "--duration", _milliseconds(timing.duration_s),
               *args]
    budget = timing.warmup_s + timing.duration_s + 30
    counter = (syscalls.Counter(server.pid, timing.warmup_s, timing.duration_s)
               if count_syscalls else None)
    result = subprocess.run(command, capture_output=True, text=True, timeout=budget)
    lines = result.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise RuntimeError(f"greeter-bench {' '.join(args)} failed: {result.stderr.strip()}")
    report = json.loads(lines[-1])
    if counter:
        messages = report.get("messages_per_second", 0) * timing.duration_s
        report["server_syscalls"] = syscalls.per_thousand_messages(counter.counts(), messages)
    return report


def grpc_frame(name):
    """A SayHello request as gRPC puts it on the wire: 5-byte prefix, then HelloRequest."""
    encoded = name.encode()
    length, varint = len(encoded), bytearray()
    while True:
        byte = length & 0x7F
        length >>= 7
        varint.append(byte | (0x80 if length else 0))
        if not length:
            break
    message = b"\x0a" + bytes(varint) + encoded  # field 1 (name), length-delimited
    return b"\x00" + len(message).to_bytes(4, "big") + message


def run_h2load(server, body_path, connections, streams_per_connection, timing):
    """Unary SayHello with h2load (nghttp2): returns calls/s and failures. h2load sees HTTP
    status only, not grpc-status; greeter-bench checks the replies themselves."""
    host, port = server.target.rsplit(":", 1)
    command = ["taskset", "-c", str(LOADGEN_CPU), "h2load", "-t", "1",
               "-c", str(connections), "-m", str(streams_per_connection),
               "-D", _milliseconds(timing.duration_s),
               f"--warm-up-time={_milliseconds(timing.warmup_s)}",
               "-d", body_path, "-H", "content-type: application/grpc", "-H", "te: trailers",
               f"http://{host}:{port}/greet.Greeter/SayHello"]
    budget = timing.warmup_s + timing.duration_s + 30
    # h2load reports no CPU use: measure it, the server's and the machine's around the run
    # (warmup included) to tell how much other work competed.
    started = time.monotonic()
    machine, server_cpu, own = (machine_busy_seconds(), process_cpu_seconds(server.pid),
                                children_cpu_seconds())
    result = subprocess.run(command, capture_output=True, text=True, timeout=budget)
    elapsed = time.monotonic() - started
    machine = machine_busy_seconds() - machine
    server_cpu = process_cpu_seconds(server.pid) - server_cpu
    own = children_cpu_seconds() - own
    rate = H2LOAD_RESULT.search(result.stdout)
    requests = H2LOAD_REQUESTS.search(result.stdout)
    if result.returncode != 0 or not rate or not requests:
        raise RuntimeError(f"h2load failed: {(result.stdout[-300:] + result.stderr[-300:]).strip()}")
    return {"calls_per_second": float(rate.group(1)), "succeeded": int(requests.group(1)),
            "failed": int(requests.group(2)), "server_cpu_cores": server_cpu / elapsed,
            "bench_cpu_cores": own / elapsed,
            "other_cpu_cores": max(0.0, (machine - server_cpu - own) / elapsed)}


class IdleStreams:
    """greeter-bench holding `streams` idle bidi streams open on `connections` connections, in
    steps it waits for on its stdin: connect() returns once the connections are up, open()
    once every stream is open; close() ends them and returns greeter-bench's report."""

    def __init__(self, bench_binary, server, streams, connections, timeout_s=120):
        command = ["taskset", "-c", str(LOADGEN_CPU), bench_binary, "--mode", "idle-bidi",
                   "--target", server.target, "--server-pid", str(server.pid), "--json",
                   "--concurrency", str(streams), "--connections", str(connections),
                   "--duration", f"{timeout_s}s"]
        self.title = server.kind.title
        self.deadline = time.monotonic() + timeout_s
        self.generator = subprocess.Popen(command, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                          text=True)
        self.lines = LineReader(self.generator.stdout)

    def connect(self):
        if self.lines.read_until("greeter-bench: connected", self.deadline) is None:
            raise RuntimeError(f"greeter-bench could not connect to {self.title}")

    def open(self):
        self.generator.stdin.write("\n")
        self.generator.stdin.flush()
        line = self.lines.read_until("greeter-bench: ", self.deadline)
        if line is None or "holding" not in line:
            raise RuntimeError(f"idle streams on {self.title}: {line}")

    def close(self):
        self.generator.stdin.close()
        report_line = self.lines.read_until("{", self.deadline)
        self.generator.wait(timeout=max(1.0, self.deadline - time.monotonic()))
        return json.loads(report_line) if report_line else {}

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.generator.poll() is None:
            self.generator.kill()
            self.generator.wait()


def measure_idle_streams(bench_binary, server, streams, connections):
    """Opens `streams` idle bidi streams on `connections` connections and returns the server's
    resident memory before and after (KiB), with greeter-bench's report. The memory is read
    while nothing moves."""
    with IdleStreams(bench_binary, server, streams, connections) as idle:
        idle.connect()
        before = server.rss_kib()
        idle.open()
        after = server.rss_kib()
        return {"rss_before_kib": before, "rss_after_kib": after, "streams": streams,
                "kib_per_stream": (after - before) / streams, "report": idle.close()}

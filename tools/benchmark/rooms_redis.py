"""tools/bench --rooms-redis: what the redis room engine costs. The fanout-16 shape (16 members
of one room, each with one text in flight) against one server on the memory engine, one on
Redis, and the room spread over two servers on one Redis, in interleaved rounds; the round with
the least other load counts. Every server and the redis-server share core 0 (the server side
gets one core in every variant, so its CPU per delivery compares), greeter-bench has core 1."""

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

from . import load
from .line_reader import LineReader
from .servers import READY_LINE, READY_TIMEOUT_S

SERVER_SIDE_CPU = 0
ROUNDS = 3
WARMUP_S, DURATION_S = 1, 3
FANOUT = ("--mode", "fanout", "--messages", "0", "--window", "1", "--connections", "4",
          "--concurrency", "16", "--payload", "16")


@dataclass(frozen=True)
class Variant:
    key: str
    title: str
    servers: int
    engine: str  # "memory" or "redis"


VARIANTS = (Variant("memory-1", "memory, 1 server", 1, "memory"),
            Variant("redis-1", "redis, 1 server", 1, "redis"),
            Variant("redis-2", "redis, 2 servers (the connections take them in turn)", 2,
                    "redis"))


class Process:
    """A process on the server side's core, waited for until a line of its stdout matches."""

    def __init__(self, command, ready, log):
        self.process = subprocess.Popen(("taskset", "-c", str(SERVER_SIDE_CPU)) + command,
                                        stdout=subprocess.PIPE, stderr=log,
                                        stdin=subprocess.DEVNULL, text=True)
        self.pid = self.process.pid
        lines = LineReader(self.process.stdout)
        deadline = time.monotonic() + READY_TIMEOUT_S
        line = lines.read_line(deadline)
        while line is not None and not ready(line):
            line = lines.read_line(deadline)
        if line is None:
            self.stop()
            raise RuntimeError(f"{command[0]} did not get ready; see {log.name}")
        self.ready_line = line

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


def _start_redis(scratch, log):
    socket_path = os.path.join(scratch, "redis.sock")
    redis = Process(("redis-server", "--port", "0", "--unixsocket", socket_path, "--save", "",
                     "--appendonly", "no", "--dir", scratch),
                    lambda line: "eady to accept connections" in line, log)
    return redis, f"unix://{socket_path}"


def _start_greeter(server_binary, rooms, log):
    server = Process((server_binary, "--listen", "127.0.0.1:0", "--quiet", "--rooms", rooms),
                     lambda line: READY_LINE.search(line) is not None, log)
    match = READY_LINE.search(server.ready_line)
    server.target = f"{match.group(1)}:{match.group(2)}"
    return server


def _one_round(bench_binary, servers, side_pids):
    """greeter-bench against `servers`; deliveries/s, latency, and the server side's CPU (the
    greeter servers and redis-server) per delivery, measured around the whole run."""
    command = ["taskset", "-c", str(load.LOADGEN_CPU), bench_binary,
               "--target", ",".join(s.target for s in servers), "--json",
               "--warmup", f"{WARMUP_S}s", "--duration", f"{DURATION_S}s", *FANOUT]
    machine = load.machine_busy_seconds()
    side = sum(load.process_cpu_seconds(pid) for pid in side_pids)
    own = load.children_cpu_seconds()
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True,
                            timeout=WARMUP_S + DURATION_S + 30)
    elapsed = time.monotonic() - started
    side = sum(load.process_cpu_seconds(pid) for pid in side_pids) - side
    own = load.children_cpu_seconds() - own
    machine = load.machine_busy_seconds() - machine
    lines = result.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise RuntimeError(f"greeter-bench failed: {result.stderr.strip()[-500:]}")
    report = json.loads(lines[-1])
    rate = report.get("messages_per_second", 0)
    # The CPU of the whole run (warmup too) over the deliveries of the whole run, estimated
    # from the measured rate: the warmup runs at about the same rate.
    deliveries = rate * elapsed if rate else 0
    return {"deliveries_per_second": rate,
            "p50_us": report.get("latency_ns", {}).get("p50", 0) / 1000,
            "p99_us": report.get("latency_ns", {}).get("p99", 0) / 1000,
            "errors": sum(report.get("errors", {}).values()) if isinstance(
                report.get("errors"), dict) else 0,
            "server_side_us_per_delivery": side / deliveries * 1e6 if deliveries else None,
            "other_cpu_cores": max(0.0, (machine - side - own) / elapsed)}


def measure(server_binary, bench_binary, log_path):
    """Every variant's quietest round, keyed by Variant.key."""
    rounds = {v.key: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as scratch, open(log_path, "a") as log:
        redis, redis_address = _start_redis(scratch, log)
        try:
            for _ in range(ROUNDS):
                for variant in VARIANTS:
                    rooms = redis_address if variant.engine == "redis" else "memory"
                    servers = [_start_greeter(server_binary, rooms, log)
                               for _ in range(variant.servers)]
                    try:
                        pids = [s.pid for s in servers] + (
                            [redis.pid] if variant.engine == "redis" else [])
                        rounds[variant.key].append(_one_round(bench_binary, servers, pids))
                    finally:
                        for server in servers:
                            server.stop()
        finally:
            redis.stop()
    return {key: dict(min(results, key=lambda r: r["other_cpu_cores"]),
                      rates=[r["deliveries_per_second"] for r in results])
            for key, results in rounds.items()}


def markdown(figures, machine):
    memory = figures["memory-1"]
    lines = ["# Rooms on Redis: the fanout-16 shape on each engine", "",
             f"Machine: {machine}", "",
             f"16 members of one room on 4 connections, each with one text in flight; "
             f"{ROUNDS} interleaved rounds of {WARMUP_S} s warm-up + {DURATION_S} s, the quietest "
             "counts. The server side (every greeter-server and redis-server) shares core 0.", "",
             "| engine | deliveries/s ↑ | ratio to memory | p50 send-to-delivery | p99 | server-side "
             "CPU µs per delivery ↓ | every round's deliveries/s |",
             "|---|---|---|---|---|---|---|"]
    for variant in VARIANTS:
        f = figures[variant.key]
        cpu = f["server_side_us_per_delivery"]
        lines.append(
            f"| {variant.title} | {f['deliveries_per_second']:,.0f} | "
            f"{f['deliveries_per_second'] / memory['deliveries_per_second']:.2f}× | "
            f"{f['p50_us'] / 1000:.1f} ms | {f['p99_us'] / 1000:.1f} ms | "
            f"{cpu:.1f} ({cpu / memory['server_side_us_per_delivery']:.2f}×) | "
            f"{', '.join(f'{r:,.0f}' for r in f['rates'])} |")
    return "\n".join(lines) + "\n"

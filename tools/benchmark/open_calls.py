"""tools/bench --open-calls: what a unary call costs the server while other calls stay open.

Debian 12's libgrpc 1.51 is built with its debug checks on (NDEBUG unset): every completion
looks its tag up in a list of every operation pending on the completion queue, one by one,
under the queue's lock, and each open stream keeps operations pending (its read, and the op
that tells of its end). So each completion costs time in proportion to the calls open on the
server, whoever holds them. Both C++ servers are measured: the unary load of the main run,
with none, 1,000 and 10,000 idle bidi streams held open beside it (100 per connection)."""

import statistics

from . import load
from .scenarios import SCENARIOS

OPEN_STREAMS = (0, 1_000, 10_000)
STREAMS_PER_CONNECTION = 100
ROUNDS = 3
UNARY_ARGS = next(s.bench_args for s in SCENARIOS if s.key == "unary")


def _unary_rounds(bench, server, timing):
    runs = [load.run_greeter_bench(bench, server, UNARY_ARGS, timing) for _ in range(ROUNDS)]
    return {"calls_per_second": statistics.median(r["calls_per_second"] for r in runs),
            "server_cpu_us_per_call": statistics.median(r["server_cpu_us_per_message"]
                                                        for r in runs)}


def measure(bench, running_servers, timing):
    """figures[server_key][open_streams]: the median of ROUNDS unary runs. Level by level,
    every server in turn, so that each comparison is made close in time."""
    figures = {server.kind.key: {} for server in running_servers}
    for streams in OPEN_STREAMS:
        for server in running_servers:
            if streams == 0:
                figures[server.kind.key][streams] = _unary_rounds(bench, server, timing)
                continue
            with load.IdleStreams(bench, server, streams,
                                  streams // STREAMS_PER_CONNECTION) as idle:
                idle.connect()
                idle.open()
                figures[server.kind.key][streams] = _unary_rounds(bench, server, timing)
                idle.close()
    return figures


def markdown(figures, running_servers, machine):
    lines = ["# A unary call's cost while other calls stay open", "", f"Machine: {machine}", "",
             f"Unary load of `tools/bench` (8 connections × 16 calls in flight), median of "
             f"{ROUNDS} rounds, beside idle bidi streams held open ({STREAMS_PER_CONNECTION} per "
             "connection) by another greeter-bench; ratios against no open streams.", ""]
    header = ["open idle streams"]
    for server in running_servers:
        header += [f"{server.kind.title}: calls/s ↑", "server CPU µs per call ↓"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for streams in OPEN_STREAMS:
        cells = [f"{streams:,}"]
        for server in running_servers:
            mine, none = figures[server.kind.key][streams], figures[server.kind.key][0]
            rate, cpu = mine["calls_per_second"], mine["server_cpu_us_per_call"]
            cells += [f"{rate:,.0f} ({rate / none['calls_per_second']:.2f}×)",
                      f"{cpu:.1f} ({cpu / none['server_cpu_us_per_call']:.2f}×)"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"

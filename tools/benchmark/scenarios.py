"""What the side-by-side run measures: the scenarios of issue 6 and the rows of the table."""

from dataclasses import dataclass, field
from typing import Callable, Optional

# Unary "many connections and streams": enough calls in flight to keep one server core busy.
UNARY_CONNECTIONS = 8
UNARY_STREAMS_PER_CONNECTION = 16
# The cross-check of the two generators: as many calls in flight, one per connection. h2load
# packs the requests in flight on a connection into shared TCP writes, which a server serves
# more cheaply than gRPC C++'s one write per call; with one call per connection neither packs,
# so the two drive the server alike and must agree.
SPREAD_CONNECTIONS = UNARY_CONNECTIONS * UNARY_STREAMS_PER_CONNECTION
PAYLOAD_BYTES = 16  # HelloRequest.name: a short name, as greetings go


@dataclass(frozen=True)
class Timing:
    warmup_s: float
    duration_s: float
    rounds: int  # runs of each scenario on each server, interleaved: the quietest one is shown,
    # the targets are judged on the median of the round-by-round ratios
    cross_check_rounds: int  # back-to-back pairs of greeter-bench and h2load runs per server


# Several short rounds rather than one long run: other work on a shared 2-core machine comes and
# goes. Of interleaved rounds the table shows the one other work disturbed least; the targets
# take the median of the round-by-round ratios.
FULL_TIMING = Timing(warmup_s=1, duration_s=3, rounds=5, cross_check_rounds=5)
QUICK_TIMING = Timing(warmup_s=0.5, duration_s=2, rounds=1, cross_check_rounds=1)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    tool: str  # "greeter-bench", "h2load" or "idle-memory"
    bench_args: tuple = ()
    streams: int = 0  # idle-memory: streams to hold open; h2load: streams per connection
    connections: int = 0  # idle-memory and h2load
    in_quick: bool = True
    servers: tuple = ()  # only these server keys (empty: all), for what only greeter-server has
    # The key of a scenario run right after this one, on the same server, in every round: the
    # two generators' figures are then compared round by round, each pair under the same
    # conditions, instead of across rounds that the machine's noise sets apart.
    paired_with: Optional[str] = None
    # What is compared round by round: this scenario's result against its partner's (a ratio).
    paired_ratio: Optional[Callable[[dict, dict], Optional[float]]] = None
    # At least this warmup (greeter-bench): for a scenario whose first seconds are not what it
    # measures (a thousand members joining one room).
    warmup_s: Optional[float] = None


def _bench(*args):
    return ("--payload", str(PAYLOAD_BYTES)) + args


def _per_second_ratio(figure, partner_figure):
    def ratio(result, partner_result):
        mine, theirs = figure(result), partner_figure(partner_result)
        return mine / theirs if mine is not None and theirs else None
    return ratio


def _calls_per_second(result):
    return result.get("calls_per_second")


def _messages_per_second(result):
    return result.get("messages_per_second")


def member_writes_per_second(result):
    """Fan-out: every text said is written to every member, the ones that never call Read too
    (their gRPC transport keeps taking replies in, so none falls behind): texts/s x members."""
    sent, seconds, members = (result.get(k) for k in ("messages_sent", "seconds", "concurrency"))
    return sent / seconds * members if sent and seconds and members else None


def server_cpu_us_per_member_write(result):
    """The server's CPU time per member write (server_cpu_us_per_message is per delivery to a
    reader)."""
    per_delivery, deliveries = (result.get(k) for k in ("server_cpu_us_per_message",
                                                        "messages_per_second"))
    writes = member_writes_per_second(result)
    return per_delivery * deliveries / writes if per_delivery and deliveries and writes else None


# Issue 13 measures a room's fan-out against what one server stream writes. Run beside each
# fan-out round, so that every ratio compares two runs under the same conditions: minutes
# apart, the machine's other work moves either figure by more than the goal's margin.
ROOMS_BASELINE = "server-stream-1-beside-rooms"
SERVER_STREAM_1_ARGS = _bench("--mode", "server-stream", "--messages", "10000")


SCENARIOS = [
    Scenario("unary-lone", "unary, 1 call in flight", "greeter-bench", _bench("--mode", "unary")),
    Scenario("unary", f"unary, {UNARY_CONNECTIONS} connections x {UNARY_STREAMS_PER_CONNECTION} "
             "calls in flight", "greeter-bench",
             _bench("--mode", "unary", "--connections", str(UNARY_CONNECTIONS), "--concurrency",
                    str(UNARY_CONNECTIONS * UNARY_STREAMS_PER_CONNECTION))),
    Scenario("unary-h2load", "unary, same shape, driven by h2load", "h2load",
             streams=UNARY_STREAMS_PER_CONNECTION, connections=UNARY_CONNECTIONS),
    Scenario("unary-spread", f"unary, {SPREAD_CONNECTIONS} connections x 1 call in flight",
             "greeter-bench",
             _bench("--mode", "unary", "--connections", str(SPREAD_CONNECTIONS), "--concurrency",
                    str(SPREAD_CONNECTIONS)), paired_with="unary-spread-h2load",
             paired_ratio=_per_second_ratio(_calls_per_second, _calls_per_second)),
    Scenario("unary-spread-h2load", "unary, same shape, driven by h2load", "h2load",
             streams=1, connections=SPREAD_CONNECTIONS),
    Scenario("server-stream-1", "server stream, 1 stream (10,000 replies per call)",
             "greeter-bench", SERVER_STREAM_1_ARGS),
    Scenario("server-stream-4", "server stream, 4 streams", "greeter-bench",
             _bench("--mode", "server-stream", "--messages", "10000", "--concurrency", "4"),
             in_quick=False),
    Scenario("server-stream-16", "server stream, 16 streams on 4 connections", "greeter-bench",
             _bench("--mode", "server-stream", "--messages", "10000", "--connections", "4",
                    "--concurrency", "16")),
    Scenario("client-stream-16", "client stream, 16 streams x 1,000 requests", "greeter-bench",
             _bench("--mode", "client-stream", "--messages", "1000", "--connections", "4",
                    "--concurrency", "16")),
    Scenario("bidi-ping-pong", "bidi ping-pong, 1 stream, 1 request in flight", "greeter-bench",
             _bench("--mode", "bidi", "--messages", "0", "--window", "1")),
    Scenario("bidi-16x16", "bidi throughput, 16 streams x 16 requests in flight",
             "greeter-bench", _bench("--mode", "bidi", "--messages", "0", "--window", "16",
                                     "--connections", "4", "--concurrency", "16")),
    Scenario("fanout-16", "room fan-out, 16 members of one room, each with 1 text in flight",
             "greeter-bench", _bench("--mode", "fanout", "--messages", "0", "--window", "1",
                                     "--connections", "4", "--concurrency", "16"),
             servers=("greeter",), paired_with=ROOMS_BASELINE,
             paired_ratio=_per_second_ratio(_messages_per_second, _messages_per_second)),
    Scenario("fanout-1k-idle", "room fan-out, 1,000 members of one room, 990 of them never "
             "calling Read (their gRPC transport still takes every reply in), 10 with 1 text in "
             "flight",
             "greeter-bench",
             _bench("--mode", "fanout", "--messages", "0", "--window", "1", "--connections", "10",
                    "--concurrency", "1000", "--idle-members", "990"),
             servers=("greeter",), warmup_s=8, paired_with=ROOMS_BASELINE,
             paired_ratio=_per_second_ratio(member_writes_per_second, _messages_per_second)),
    Scenario(ROOMS_BASELINE, "server stream, 1 stream, run beside each round of a room's "
             "fan-out", "greeter-bench", SERVER_STREAM_1_ARGS, servers=("greeter",)),
    Scenario("idle-1k", "idle bidi streams, 1,000 on 10 connections", "idle-memory",
             streams=1000, connections=10),
    Scenario("idle-10k", "idle bidi streams, 10,000 on 100 connections", "idle-memory",
             streams=10000, connections=100),
]


def primary_row(scenario_key):
    """The figure a scenario is mainly about: its first row."""
    return next((row for row in ROWS if row.scenario == scenario_key), None)


def quietest_result(scenario_key, results):
    """The round during which other processes used the least CPU (the first failure if every
    round failed), with every round's figure and other load kept under "rounds"."""
    row = primary_row(scenario_key)
    good = [r for r in results if "error" not in r and row and row.extract(r) is not None]
    if not good:
        return results[0]
    chosen = dict(min(good, key=lambda r: r.get("other_cpu_cores", 0)))
    chosen["rounds"] = [{"figure": row.extract(r), "other_cpu_cores": r.get("other_cpu_cores")}
                        for r in good]
    chosen["failed_rounds"] = len(results) - len(good)
    return chosen


def selected_scenarios(quick, only=None):
    chosen = [s for s in SCENARIOS if (s.in_quick or not quick)]
    if only:
        partners = {s.paired_with for s in chosen if s.key in only and s.paired_with}
        chosen = [s for s in chosen if s.key in only or s.key in partners]
    return chosen


def paired_scenario_keys():
    """Scenarios that run only as the second of a pair."""
    return {s.paired_with for s in SCENARIOS if s.paired_with}


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Row:
    """One line of the table: one figure of one scenario."""
    scenario: str
    label: str
    extract: Callable[[dict], Optional[float]]
    higher_is_better: bool
    decimals: int = 0
    throughput: bool = field(default=False)  # mark it when the load generator was the limit


def _get(*path):
    def extract(result):
        value = result
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value
    return extract


def _error_count(result):
    errors = result.get("errors")
    return sum(errors.values()) if isinstance(errors, dict) else None


def _microseconds(*path):
    get = _get(*path)
    return lambda result: None if get(result) is None else get(result) / 1000


def _wire_rows(scenario, per):
    """What the server asked of the kernel (perf): socket calls and context switches per 1,000
    messages, and messages per socket `per` ("read" or "write")."""
    return [
        Row(scenario, "server socket syscalls per 1,000 messages (perf)",
            _get("server_syscalls", "socket_calls"), False),
        Row(scenario, f"server messages per socket {per} (perf)",
            _get("server_syscalls", f"messages_per_{per}"), True, 1),
        Row(scenario, "server context switches per 1,000 messages (perf)",
            _get("server_syscalls", "context_switches"), False),
    ]


ROWS = [
    Row("unary-lone", "p50 latency, µs", _microseconds("latency_ns", "p50"), False),
    Row("unary-lone", "calls/s", _get("calls_per_second"), True),
    Row("unary", "calls/s (greeter-bench)", _get("calls_per_second"), True, throughput=True),
    Row("unary-h2load", "calls/s (h2load)", _get("calls_per_second"), True),
    Row("unary", "p99 latency, µs", _microseconds("latency_ns", "p99"), False),
    Row("unary", "server CPU µs per call", _get("server_cpu_us_per_message"), False, 1),
    Row("unary-spread", "calls/s (greeter-bench)", _get("calls_per_second"), True),
    Row("unary-spread-h2load", "calls/s (h2load)", _get("calls_per_second"), True),
    Row("server-stream-1", "messages/s", _get("messages_per_second"), True, throughput=True),
    Row("server-stream-1", "server CPU µs per message", _get("server_cpu_us_per_message"),
        False, 2),
    Row("server-stream-4", "messages/s", _get("messages_per_second"), True, throughput=True),
    Row("server-stream-16", "messages/s", _get("messages_per_second"), True, throughput=True),
    Row("server-stream-16", "server CPU µs per message", _get("server_cpu_us_per_message"),
        False, 2),
    *_wire_rows("server-stream-16", "write"),
    Row("client-stream-16", "messages/s", _get("messages_per_second"), True, throughput=True),
    Row("client-stream-16", "server CPU µs per message", _get("server_cpu_us_per_message"),
        False, 2),
    *_wire_rows("client-stream-16", "read"),
    Row("bidi-ping-pong", "p50 round trip, µs", _microseconds("latency_ns", "p50"), False),
    Row("bidi-ping-pong", "p99 round trip, µs", _microseconds("latency_ns", "p99"), False),
    Row("bidi-16x16", "messages/s", _get("messages_per_second"), True, throughput=True),
    Row("bidi-16x16", "server CPU µs per message", _get("server_cpu_us_per_message"), False, 2),
    *_wire_rows("bidi-16x16", "read"),
    Row("fanout-16", "messages delivered/s", _get("messages_per_second"), True, throughput=True),
    Row("fanout-16", "p50 write-to-delivery, µs", _microseconds("latency_ns", "p50"), False),
    Row("fanout-16", "server CPU µs per delivery", _get("server_cpu_us_per_message"), False, 2),
    Row("fanout-1k-idle", "messages delivered/s", _get("messages_per_second"), True,
        throughput=True),
    Row("fanout-1k-idle", "member writes/s (texts/s × 1,000 members)", member_writes_per_second,
        True),
    Row("fanout-1k-idle", "server CPU µs per member write", server_cpu_us_per_member_write,
        False, 2),
    Row("fanout-1k-idle", "p50 write-to-delivery, µs", _microseconds("latency_ns", "p50"), False),
    Row("fanout-1k-idle", "readers' calls ended in error", _error_count, False),
    Row("idle-1k", "KiB per idle stream", _get("kib_per_stream"), False, 1),
    Row("idle-10k", "KiB per idle stream", _get("kib_per_stream"), False, 1),
]

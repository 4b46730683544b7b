"""The results as markdown: one row per figure, one column per server, each with its ratio to
greeter-server; then the targets of issues 6, 13 and 16, met or not."""

from .scenarios import ROWS, SCENARIOS, median, primary_row

# A run where the load generator used this much of its core while the server used less was
# limited by the generator, not by the server.
SATURATED_CORES = 0.9
# Other processes using this much CPU during a run competed with it: its figure is suspect.
DISTURBED_CORES = 0.25


def _format(value, decimals):
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


def _client_bound(result):
    bench = result.get("bench_cpu_cores")
    server = result.get("server_cpu_cores")
    return bench is not None and server is not None and bench >= SATURATED_CORES > server


def _ratio(greeter_value, other_value):
    if greeter_value is None or other_value in (None, 0):
        return None
    return greeter_value / other_value


def results_table(results, kinds, scenarios_run):
    """results[server_key][scenario_key]: a greeter-bench, h2load or memory result (a dict, with
    "error" when the run failed)."""
    titles = {s.key: s.title for s in SCENARIOS}
    greeter = kinds[0]
    header = ["scenario", "figure", greeter.title] + [k.title for k in kinds[1:]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    run_keys = {s.key for s in scenarios_run}
    for row in ROWS:
        if row.scenario not in run_keys:
            continue
        arrow = "↑" if row.higher_is_better else "↓"
        cells = [titles[row.scenario], f"{row.label} {arrow}"]
        greeter_result = results.get(greeter.key, {}).get(row.scenario, {})
        greeter_value = None if "error" in greeter_result else row.extract(greeter_result)
        for kind in kinds:
            result = results.get(kind.key, {}).get(row.scenario, {})
            if "error" in result:
                cells.append("failed")
                continue
            value = row.extract(result)
            cell = _format(value, row.decimals)
            if row.throughput and _client_bound(result):
                cell += " †"
            if result.get("other_cpu_cores", 0) >= DISTURBED_CORES:
                cell += " ‡"
            if kind is not greeter:
                ratio = _ratio(greeter_value, value)
                if ratio is not None:
                    cell += f" ({ratio:.2f}×)"
            cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _median_of(ratio, ratios):
    return f"{ratio:.2f}× (median of {', '.join(f'{r:.2f}' for r in ratios)})"


def targets(results):
    """Issues 6, 13 and 16's targets as (description, measured, met) for what was measured."""
    checks = []

    def measured(server, scenario):
        result = results.get(server, {}).get(scenario)
        return None if not result or "error" in result else result

    def value(server, scenario, *path):
        result = measured(server, scenario)
        for key in path:
            result = result.get(key) if isinstance(result, dict) else None
        return result

    def round_ratios(scenario, peer):
        """greeter-server's figure over the peer's, round by round: the two ran in the same
        interleaved round, close in time. None unless every round of both gave a figure."""
        mine, theirs = value("greeter", scenario, "rounds"), value(peer, scenario, "rounds")
        if (not mine or not theirs or len(mine) != len(theirs)
                or value("greeter", scenario, "failed_rounds")
                or value(peer, scenario, "failed_rounds")):
            return None
        return [a["figure"] / b["figure"] for a, b in zip(mine, theirs) if b["figure"]]

    def add(description, scenario, peer, bound, at_least, path=None):
        """A target judged on the median of the round-by-round ratios (a single measurement's
        ratio where the scenario has no rounds, as the memory ones)."""
        ratios = None if path else round_ratios(scenario, peer)
        if ratios:
            ratio = median(ratios)
            shown = _median_of(ratio, ratios)
        else:  # no rounds, or one failed: the shown figures' ratio, and say so
            row = primary_row(scenario)
            greeter_result, other_result = measured("greeter", scenario), measured(peer, scenario)
            if greeter_result is None or other_result is None:
                return
            greeter = value("greeter", scenario, *path) if path else row.extract(greeter_result)
            other = value(peer, scenario, *path) if path else row.extract(other_result)
            if greeter is None or not other:
                return
            ratio = greeter / other
            shown = f"{ratio:.2f}×" + ("" if path else " (a round failed: the quietest rounds)")
        checks.append((description, shown, ratio >= bound if at_least else ratio <= bound))

    add("unary calls/s ≥ 0.95× the CQ reference (h2load)", "unary-h2load", "cq", 0.95, True)
    add("unary calls/s ≥ 0.95× the CQ reference (greeter-bench)", "unary", "cq", 0.95, True)
    add("unary calls/s ≥ 4× the Node.js peer (h2load)", "unary-h2load", "node", 4, True)
    add("server-stream messages/s on one stream ≥ 0.95× the reference", "server-stream-1", "cq",
        0.95, True)
    add("bidi ping-pong p50 latency ≤ 1.1× the reference", "bidi-ping-pong", "cq", 1.1, False)
    for scenario in ("idle-1k", "idle-10k"):
        add(f"idle bidi stream memory ≤ 1.2× the reference ({scenario})", scenario, "cq", 1.2,
            False, path=("kib_per_stream",))
    # Issue 16: every streaming shape at least level with Node.js and with the reference.
    for scenario, description in (("server-stream-1", "server stream, 1 stream"),
                                  ("server-stream-16", "server stream, 16 streams"),
                                  ("client-stream-16", "client stream, 16 × 1,000"),
                                  ("bidi-16x16", "bidi throughput, 16 × 16")):
        for peer, title in (("cq", "the CQ reference"), ("node", "the Node.js peer")):
            add(f"{description}: messages/s ≥ 1.0× {title}", scenario, peer, 1.0, True)
    # Issue 13: a room's fan-out against what one server stream writes, round by round (each
    # fan-out round has a single-stream round beside it); the median of those ratios.
    for scenario, description in (
            ("fanout-16", "room fan-out to 16 members ≥ 0.9× one server stream's messages/s "
                          "(deliveries/s)"),
            ("fanout-1k-idle", "room fan-out to 1,000 members (990 never reading) ≥ 0.9× one "
                               "server stream's messages/s (member writes/s)")):
        ratios = value("greeter", scenario, "paired_ratios")
        if ratios:
            ratio = value("greeter", scenario, "paired_ratio_median")
            checks.append((description, _median_of(ratio, ratios), ratio >= 0.9))
    # Not a target: how far gRPC C++ itself (the CQ reference) is ahead of Node.js, which bounds
    # what greeter-server can reach.
    reference = value("cq", "unary-h2load", "calls_per_second")
    node = value("node", "unary-h2load", "calls_per_second")
    if reference and node:
        checks.append(("(for scale: the CQ reference ÷ the Node.js peer, h2load)",
                       f"{reference / node:.2f}×", None))
    for server in ("greeter", "cq", "node", "python"):
        ratios = value(server, "unary-spread", "paired_ratios")
        server_cores = value(server, "unary-spread", "server_cpu_cores")
        if not ratios:
            continue
        ratio = value(server, "unary-spread", "paired_ratio_median")
        bound = server_cores is not None and server_cores >= SATURATED_CORES
        note = "" if bound else " (server not saturated by greeter-bench: not a fair check)"
        checks.append((f"{server}: greeter-bench within 10 % of h2load on unary, one call per "
                       f"connection{note}", _median_of(ratio, ratios), 0.9 <= ratio <= 1.1))
    return checks


def markdown(results, kinds, scenarios_run, machine, timing):
    lines = [
        "# greeter benchmark",
        "",
        f"Machine: {machine}",
        f"Each figure: of {timing.rounds} interleaved round(s) of {timing.warmup_s:g} s warmup and "
        f"{timing.duration_s:g} s measured, the one during which other processes used the least "
        "CPU (the targets below take the median of the round-by-round ratios instead). "
        "Servers pinned to CPU 0, the load generator (greeter-bench or h2load) to CPU 1, "
        "over loopback TCP.",
        "",
        "Ratios in parentheses are greeter-server's figure divided by that server's "
        "(↑: higher is better, so a ratio above 1 favours greeter-server; ↓: lower is better, "
        "a ratio below 1 favours it). † marks a throughput where greeter-bench used its whole "
        "core and the server did not: the generator, not the server, set the figure. ‡ marks a "
        f"figure taken while other processes used {DISTURBED_CORES} cores or more: re-run it on a "
        "quiet machine. – : not measured (only greeter-server has chat rooms).",
        "",
        results_table(results, kinds, scenarios_run),
        "",
        "## Targets (issues 6, 13 and 16)",
        "",
        "Each ratio target is judged on the median of its round-by-round ratios (greeter-server's "
        "round against the peer's round of the same interleaved pass).",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for description, measured, met in targets(results):
        verdict = "" if met is None else "yes" if met else "**no**"
        lines.append(f"| {description} | {measured} | {verdict} |")
    failures = [(kind.title, key, result["error"]) for kind in kinds
                for key, result in results.get(kind.key, {}).items() if "error" in result]
    if failures:
        lines += ["", "## Failed runs", ""]
        lines += [f"- {title}, {key}: {' '.join(error.split())}" for title, key, error in failures]
    return "\n".join(lines) + "\n"

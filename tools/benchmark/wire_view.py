"""tools/bench --wire-view: what greeter-client's frame view costs. A server stream of 50,000
replies, timed end to end through the real binary, with the view off (no relay exists then),
on as text and on as JSON (each into a file), in interleaved rounds; the median of each."""

import os
import statistics
import subprocess
import tempfile
import time

REPLIES = 50_000
ROUNDS = 5
VARIANTS = (("off", ()), ("text", ("--frames",)), ("json", ("--frames=json",)))


def _timed_stream(client, target, view_args, frames_path):
    command = (client, "--target", target, *view_args, "stream", "Alice", "--count", str(REPLIES),
               "--interval", "0")
    with open(frames_path, "wb") as frames:
        started = time.monotonic()
        run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=frames, timeout=120)
        elapsed = time.monotonic() - started
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {run.returncode}")
    return elapsed, os.path.getsize(frames_path)


def measure(client, target):
    """Replies per second for each variant (median of ROUNDS), and the view's output size."""
    times = {name: [] for name, _ in VARIANTS}
    sizes = {}
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "frames")
        for _ in range(ROUNDS):
            for name, view_args in VARIANTS:
                elapsed, size = _timed_stream(client, target, view_args, path)
                times[name].append(elapsed)
                sizes[name] = size
    return {name: {"replies_per_second": REPLIES / statistics.median(times[name]),
                   "seconds": times[name], "view_bytes": sizes[name]}
            for name, _ in VARIANTS}


def markdown(figures, machine):
    off = figures["off"]["replies_per_second"]
    lines = ["# greeter-client's frame view: a server stream of 50,000 replies", "",
             f"Machine: {machine}", "",
             f"End to end through the binary, median of {ROUNDS} interleaved rounds; the view's "
             "output into a file.", "",
             "| view | replies/s ↑ | ratio to the view off | view output |", "|---|---|---|---|"]
    for name, _ in VARIANTS:
        rate = figures[name]["replies_per_second"]
        size = figures[name]["view_bytes"] / 2**20
        lines.append(f"| {name} | {rate:,.0f} | {rate / off:.2f}× | "
                     f"{size:.1f} MiB |" if name != "off" else f"| off | {rate:,.0f} | 1.00× | – |")
    return "\n".join(lines) + "\n"

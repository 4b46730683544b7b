"""What a server asks of the kernel while a scenario runs: its socket reads and writes, futex
calls and context switches, counted by perf's syscall tracepoints (no overhead worth the name,
unlike strace). The wire's own cost, to set the server's CPU per message against."""

import shutil
import subprocess

SOCKET_CALLS = ("recvmsg", "sendmsg", "read", "write", "readv", "writev")
EVENTS = [f"syscalls:sys_enter_{name}" for name in SOCKET_CALLS + ("futex",)] + \
    ["context-switches"]


def available():
    """perf with the syscall tracepoints (root, or a permissive perf_event_paranoid)."""
    if not shutil.which("perf"):
        return False
    probe = subprocess.run(["perf", "stat", "-x,", "-e", EVENTS[0], "--", "true"],
                           capture_output=True, text=True)
    return probe.returncode == 0


class Counter:
    """Counts `pid`'s calls from `delay_s` on, for `duration_s`; started before the load."""

    def __init__(self, pid, delay_s, duration_s):
        self.process = subprocess.Popen(
            ["perf", "stat", "-x,", "-D", str(round(delay_s * 1000)), "-e", ",".join(EVENTS),
             "-p", str(pid), "--", "sleep", str(delay_s + duration_s)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def counts(self):
        """{name: count} once the window has passed: socket calls, futex, context-switches."""
        _, err = self.process.communicate(timeout=120)
        counts = {}
        for line in err.splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[0].isdigit():
                counts[fields[2].replace("syscalls:sys_enter_", "")] = int(fields[0])
        return counts


def per_thousand_messages(counts, messages):
    """The figures the table shows: socket calls, futex calls and context switches per 1,000
    messages, and messages per socket read and per socket write. (read and write count the
    server's own wake-ups too: gRPC's eventfd, greeter's log pipe.)"""
    if not counts or not messages:
        return None
    reads = counts.get("recvmsg", 0) + counts.get("read", 0) + counts.get("readv", 0)
    writes = counts.get("sendmsg", 0) + counts.get("write", 0) + counts.get("writev", 0)
    socket_calls = sum(counts.get(name, 0) for name in SOCKET_CALLS)
    return {
        "socket_calls": socket_calls * 1000 / messages,
        "futex": counts.get("futex", 0) * 1000 / messages,
        "context_switches": counts.get("context-switches", 0) * 1000 / messages,
        "messages_per_read": messages / reads if reads else None,
        "messages_per_write": messages / writes if writes else None,
    }

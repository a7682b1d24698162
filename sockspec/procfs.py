"""The kit's reader of Linux ``/proc``: CPU time of a process group, states of TCP sockets.

The bench and the specs ask the same questions of the kernel (how much CPU
did a server use, is a connection on a port in TIME_WAIT), so the answers
are read in one place.  Where ``/proc`` is missing every function answers
"nothing seen" (zero, empty, or None), and the caller decides what that means.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = [
    "TCP_TIME_WAIT",
    "TICKS",
    "await_tcp_state",
    "group_cpu_seconds",
    "group_pids",
    "process_cpu_seconds",
    "stat_fields",
    "tcp_states",
]

#: Clock ticks per second, the unit of the CPU times in /proc/PID/stat.
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROC_TCP = Path("/proc/net/tcp")
#: The state code of TIME_WAIT in /proc/net/tcp (include/net/tcp_states.h).
TCP_TIME_WAIT = "06"


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name: ``[0]`` is field 3 (state) of proc(5)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # comm may hold spaces and parentheses: split after the last ')'.
    return raw[raw.rfind(")") + 2 :].split()


def group_pids(pgid: int) -> list[int]:
    """Live processes whose process group is ``pgid``."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = stat_fields(int(name))
            # fields[2] is the process group (field 5).
            if fields is not None and len(fields) > 2 and int(fields[2]) == pgid:
                pids.append(int(name))
    return pids


def process_cpu_seconds(pid: int) -> float:
    """Seconds of CPU used by ``pid`` (all threads) and its reaped children."""
    fields = stat_fields(pid)
    if fields is None or len(fields) < 15:
        return 0.0
    # utime, stime, cutime, cstime are stat fields 14-17, here 11-14.
    return sum(int(value) for value in fields[11:15]) / TICKS


def group_cpu_seconds(pgid: int) -> float:
    """Seconds of CPU used by a whole process group: a server and any process it forked."""
    return sum(process_cpu_seconds(pid) for pid in group_pids(pgid))


def tcp_states(port: int) -> list[str] | None:
    """The /proc/net/tcp state codes of the IPv4 sockets whose local port is ``port``; None where unreadable."""
    try:
        rows = PROC_TCP.read_text().splitlines()[1:]
    except OSError:
        return None
    return [f[3] for f in (row.split() for row in rows) if len(f) > 3 and int(f[1].rsplit(":", 1)[1], 16) == port]


def await_tcp_state(port: int, state: str, wait: float) -> list[str] | None:
    """Wait up to ``wait`` seconds until a socket on ``port`` is in ``state``; the states seen last.

    None where the table cannot be read.  A kernel enters TIME_WAIT a moment
    after the close that causes it, hence the wait.
    """
    deadline = time.monotonic() + wait
    while True:
        states = tcp_states(port)
        if states is None or state in states or time.monotonic() > deadline:
            return states
        time.sleep(0.01)

"""What the bench reads from the machine: cores, pinning, CPU time, load.

All of it comes from ``/proc`` (through :mod:`sockspec.procfs` where the
specs ask the same) and ``os.sched_*`` (Linux).  Where those are missing the
bench still runs: no pinning, no CPU figures, and it says so.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sockspec.procfs import TICKS, group_pids, stat_fields
from sockspec.procfs import group_cpu_seconds as group_cpu
from sockspec.procfs import process_cpu_seconds as process_cpu

__all__ = [
    "TICKS",
    "Foreign",
    "Pinning",
    "Quiet",
    "calibrate",
    "foreign_cpu",
    "foreign_delta",
    "group_cpu",
    "group_pids",
    "loadavg",
    "machine_busy",
    "pin_group",
    "pinned",
    "plan_pinning",
    "process_cpu",
    "steal_seconds",
    "usable_cpus",
    "wait_for_quiet",
]


def usable_cpus() -> list[int]:
    """The CPUs this process may run on, in order."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


@dataclass(frozen=True)
class Pinning:
    """Which CPUs the server and the load generator get (empty: not pinned)."""

    server: tuple[int, ...]
    client: tuple[int, ...]

    @property
    def active(self) -> bool:
        return bool(self.server)

    def describe(self) -> str:
        if not self.active:
            return "not pinned (one usable core, or --no-pin): server and load generator share the cores"
        return (
            f"server pinned to CPU {','.join(map(str, self.server))}, "
            f"load generator to CPU {','.join(map(str, self.client))} (os.sched_setaffinity)"
        )


def plan_pinning(enabled: bool) -> Pinning:
    """Server on the first usable CPU, load generator on the rest, when there are two or more."""
    cpus = usable_cpus()
    if not enabled or len(cpus) < 2 or not hasattr(os, "sched_setaffinity"):
        return Pinning((), ())
    return Pinning((cpus[0],), tuple(cpus[1:]))


@contextlib.contextmanager
def pinned(cpus: tuple[int, ...]) -> Iterator[None]:
    """Run the block on ``cpus`` (children started inside inherit it), then restore."""
    if not cpus:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def pin_group(pgid: int, cpus: tuple[int, ...]) -> None:
    """Pin every thread of every process in group ``pgid`` (children started earlier, too)."""
    if not cpus:
        return
    for pid in group_pids(pgid):
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(tid), cpus)


def _uptime_ticks() -> int:
    try:
        with open("/proc/uptime", encoding="ascii") as f:
            return int(float(f.read().split()[0]) * TICKS)
    except (OSError, ValueError, IndexError):
        return 0


@dataclass(frozen=True)
class Foreign:
    """CPU seconds so far of every user-space process that is not the bench's, keyed by (pid, start tick)."""

    taken_at: int  # ticks since boot
    cpu: dict[tuple[int, int], float]


def foreign_cpu(exclude_pgids: set[int], exclude_pids: set[int]) -> Foreign:
    """A snapshot of the CPU time of every user-space process that is not the bench's.

    Kernel threads (children of kthreadd, pid 2) are left out: softirq and
    interrupt work that the bench's own traffic causes lands there, and
    counting it would blame other users for the bench's own load.  Reaped
    children's time is included (a short-lived test process shows up in its
    parent's total when it ends).
    """
    taken_at = _uptime_ticks()
    seen: dict[tuple[int, int], float] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        fields = stat_fields(pid)
        if fields is None or len(fields) < 20 or pid in exclude_pids:
            continue
        ppid, pgid = int(fields[1]), int(fields[2])
        if pid == 2 or ppid == 2 or pgid in exclude_pgids:
            continue
        # utime, stime, cutime, cstime are stat fields 14-17; starttime is field 22 (here 19).
        seen[(pid, int(fields[19]))] = sum(int(value) for value in fields[11:15]) / TICKS
    return Foreign(taken_at, seen)


def foreign_delta(before: Foreign, after: Foreign) -> float:
    """CPU seconds that other processes used between two :func:`foreign_cpu` snapshots.

    A process seen only in the second snapshot counts whole if it started
    after the first one, and not at all otherwise (the first scan missed it,
    so its earlier CPU time cannot be told apart).
    """
    total = 0.0
    for key, cpu in after.cpu.items():
        if key in before.cpu:
            total += max(0.0, cpu - before.cpu[key])
        elif key[1] >= before.taken_at - 1:
            total += cpu
    return total


def steal_seconds() -> float:
    """CPU seconds the hypervisor gave to other guests, summed over CPUs, since boot."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            values = f.readline().split()[1:]
        return int(values[7]) / TICKS if len(values) > 7 else 0.0
    except (OSError, ValueError):
        return 0.0


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return (total - idle) / TICKS, total / TICKS


def loadavg() -> float:
    """The one-minute load average (0 when unknown)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass(frozen=True)
class Quiet:
    """The machine's state just before a measurement."""

    loadavg: float
    busy_cores: float  # cores' worth of CPU that other processes used while we looked
    waited: float

    def as_dict(self) -> dict[str, float]:
        return {
            "loadavg": round(self.loadavg, 2),
            "busy_cores": round(self.busy_cores, 2),
            "waited": round(self.waited, 1),
        }


def wait_for_quiet(
    threshold: float, max_wait: float, sample: float = 0.4, waiting: Callable[[float], None] | None = None
) -> Quiet:
    """Wait (at most ``max_wait`` s) until other processes use under ``threshold`` cores.

    The one-minute load average lags by a minute and includes the bench's own
    previous run, so the decision uses the CPU the whole machine spends over
    a short sample while the bench itself is idle; the load average is
    recorded beside it.  ``waiting`` hears, once, the cores others use when
    the first sample is too busy, so a long wait is never a silent one.
    """
    start = time.monotonic()
    sample = min(sample, max(0.05, max_wait))
    told = False
    while True:
        busy0, total0 = machine_busy()
        time.sleep(sample)
        busy1, total1 = machine_busy()
        ncpu = max(1, os.cpu_count() or 1)
        span = (total1 - total0) / ncpu
        busy = (busy1 - busy0) / span if span > 0 else 0.0
        waited = time.monotonic() - start
        if busy < threshold or waited >= max_wait:
            return Quiet(loadavg(), busy, waited)
        if waiting is not None and not told:
            waiting(busy)
            told = True


def calibrate() -> float:
    """Milliseconds a fixed piece of Python takes here now (best of 3): the host's current speed.

    A slow spell of the host (another guest, memory bandwidth) shows neither
    as steal time nor as other processes, but it slows every run in it; the
    figure is recorded with each run so that such spells can be seen.
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i for i in range(50_000))
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 3)

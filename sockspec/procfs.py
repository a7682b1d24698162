"""The kit's reader of Linux ``/proc``: CPU time of a process group, states of TCP sockets, listening sockets.

The bench and the specs ask the same questions of the kernel (how much CPU
did a server use, is a connection on a port in TIME_WAIT, which ports does a
server under test listen on), so the answers are read in one place.  Where ``/proc`` is missing every function answers
"nothing seen" (zero, empty, or None), and the caller decides what that means.
"""

from __future__ import annotations

import ipaddress
import os
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "TCP_TIME_WAIT",
    "TICKS",
    "Listening",
    "await_tcp_state",
    "group_cpu_seconds",
    "group_pids",
    "listening_sockets",
    "process_cpu_seconds",
    "stat_fields",
    "tcp_states",
    "tree_pids",
]

#: Clock ticks per second, the unit of the CPU times in /proc/PID/stat.
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: The kernel's TCP tables: an IPv4 connection may sit in the IPv6 one, as a v4-mapped address of a
#: dual-stack socket (the JVM makes every socket so, Jython's AF_INET sockets included).
PROC_TCP = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
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
    """The state codes of the TCP sockets (IPv4 and IPv6 tables) whose local port is ``port``; None where unreadable."""
    rows: list[str] | None = None
    for table in PROC_TCP:
        try:
            rows = (rows or []) + table.read_text().splitlines()[1:]
        except OSError:  # a kernel without IPv6 has no tcp6
            continue
    if rows is None:
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


#: The state a socket waits in for connections (TCP) or datagrams (an unconnected UDP socket), include/net/tcp_states.h.
_WAITING_STATE = {"tcp": "0A", "udp": "07"}


@dataclass(frozen=True)
class Listening:
    """A socket a process tree waits on: ``transport`` is "tcp" (LISTEN) or "udp" (bound, unconnected)."""

    transport: str
    host: str
    port: int


def _children(pid: int) -> list[int] | None:
    """The children of ``pid`` from /proc/PID/task/*/children; None where the kernel lacks that file."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found.extend(int(child) for child in f.read().split())
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{task}"):
                continue  # the thread ended
            return None
        except OSError:
            continue
    return found


def _children_by_scan() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = stat_fields(int(name))
            # fields[1] is the parent pid (field 4).
            if fields is not None and len(fields) > 1:
                children.setdefault(int(fields[1]), []).append(int(name))
    return children


def tree_pids(pid: int) -> list[int]:
    """``pid`` and its live descendants, so a wrapper script's child counts as the server.

    The kernel's list of each task's children is cheap to read; without it,
    every process's parent is read from /proc/PID/stat.
    """
    scanned: dict[int, list[int]] | None = None
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        children = _children(current)
        if children is None:
            scanned = _children_by_scan() if scanned is None else scanned
            children = scanned.get(current, [])
        todo.extend(children)
    return found


def _socket_inodes(pids: list[int]) -> set[str]:
    inodes = set()
    for pid in pids:
        try:
            names = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for name in names:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{name}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def _host(hex_address: str) -> str:
    """An address of /proc/net/{tcp,udp}{,6}: 32-bit words in host byte order, as hex."""
    raw = b"".join(int(hex_address[i : i + 8], 16).to_bytes(4, "little") for i in range(0, len(hex_address), 8))
    return str(ipaddress.ip_address(raw))


def _one_per_netns(pids: list[int]) -> list[int]:
    """One process of ``pids`` per network namespace the kit can reach (a process that vanished is left out).

    A namespace other than the kit's own with no interface but loopback is
    left out: no peer of the kit can reach a socket there (an adapter that
    relays from the kit's loopback to a daemon in such a namespace listens on
    the relay's port only).
    """
    own = _netns("self")
    chosen: dict[str, int] = {}
    for proc in pids:
        netns = _netns(proc)
        if netns is not None and (netns == own or _has_interface_beyond_loopback(proc)):
            chosen.setdefault(netns, proc)
    return list(chosen.values())


def _netns(proc: int | str) -> str | None:
    try:
        return os.readlink(f"/proc/{proc}/ns/net")
    except OSError:
        return None


def _has_interface_beyond_loopback(proc: int) -> bool:
    try:
        rows = Path(f"/proc/{proc}/net/dev").read_text().splitlines()[2:]
    except OSError:
        return False
    return any(row.split(":", 1)[0].strip() != "lo" for row in rows)


def listening_sockets(pid: int) -> list[Listening] | None:
    """The sockets ``pid`` and its descendants listen on (TCP) or wait for datagrams on (UDP); None without /proc.

    The answer comes from the kernel, not from anything the program printed:
    the socket inodes in ``/proc/PID/fd`` looked up in ``/proc/PID/net/tcp``,
    ``tcp6``, ``udp`` and ``udp6``, read once per network namespace of the
    tree, so a server started in a namespace of its own is found too.
    """
    if not Path(f"/proc/{pid}/fd").is_dir():
        return None
    pids = tree_pids(pid)
    inodes = _socket_inodes(pids)
    found: list[Listening] = []
    for proc in _one_per_netns(pids):
        for transport, state in _WAITING_STATE.items():
            for table in (transport, transport + "6"):
                try:
                    rows = Path(f"/proc/{proc}/net/{table}").read_text().splitlines()[1:]
                except OSError:
                    continue
                for fields in (row.split() for row in rows):
                    # local address, remote address, state, ..., inode (fields 1, 2, 3, 9)
                    if len(fields) > 9 and fields[3] == state and fields[9] in inodes:
                        host, port = fields[1].rsplit(":", 1)
                        found.append(Listening(transport, _host(host), int(port, 16)))
    return sorted(set(found), key=lambda s: (s.transport, s.port, s.host))

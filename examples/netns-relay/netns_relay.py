#!/usr/bin/env python3
"""A port-123 SNTP daemon served on the kit's loopback: what the ntpsec, OpenNTPD and BusyBox adapters share.

These daemons listen on port 123 only, which needs root and may be taken, so
each runs in a user and network namespace of its own: only loopback exists
there, and the clock calls of the namespace's root fail with EPERM (the
host's clock belongs to the initial user namespace), so the host clock is
safe whatever the daemon tries.  A relay bridges the two namespaces:

    kit -> HOST:PORT (the kit's namespace) -> relay -> 127.0.0.1:123 (the daemon's)

The adapter stays in the kit's namespace and starts this file again as a
child, which unshares its user and network namespaces (the adapter writes
its user map: every user where the adapter is root, so a daemon can drop
privileges to its own), brings loopback up, starts the daemon, waits until
the daemon serves and says so over a Unix socket pair.  Only then does the adapter bind HOST:PORT and pass that socket
over (SCM_RIGHTS), so the port appears once it is served.  The relay gives
every client address a socket of its own towards the daemon, so each
client's datagrams pass unchanged and the replies go back to that client.

A stop signal (SIGTERM, SIGINT) to the adapter is passed on, to the relay
and by it to the daemon; each ends as the one it started ended
(examples/daemon_status.py), so the adapter's exit status is the daemon's.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from daemon_status import end_as  # found through the line above

#: Where the daemon serves, inside its namespace.
DAEMON_ADDRESS = ("127.0.0.1", 123)
#: How long the daemon may take to serve: within the kit's default --io-timeout of 5 s.
READY_TIMEOUT = 4.0
#: Client addresses the relay keeps a socket for; the oldest is dropped beyond this.
MAX_CLIENTS = 256
#: A version 4 client request (mode 3), to learn when the daemon serves.
PROBE = b"\x23" + 47 * b"\0"
#: How long the daemon may take to end on the stop signal passed on: within the kit's 3 s (specs/program/_servers.py).
SIGNAL_WAIT = 1.5
#: How long the relay may take to end on it: the daemon's time and the relay's own stopping of it.
RELAY_WAIT = SIGNAL_WAIT + 3.0
#: unshare(2) flags, include/uapi/linux/sched.h.
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
#: prctl(2) option, include/uapi/linux/prctl.h.
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Daemon:
    """How to run one daemon: ``synchronised`` waits for a reply without the alarm leap indicator (3)."""

    name: str
    argv: list[str]
    synchronised: bool = False


class Stopped(Exception):
    """SIGTERM or SIGINT (``signum``) arrived: pass it on and end as the process it went to ends."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    """Raise Stopped once; a second signal (SIGTERM to the pid, then to its group) must not break the cleanup."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Stopped(signum)


def _pass_on(who: str, proc: subprocess.Popen[bytes], signum: int, wait: float) -> int:
    """Send ``signum`` to ``proc``: its exit status (-N: killed by signal N), or 1 if it still runs after ``wait`` s."""
    proc.send_signal(signum)
    try:
        return proc.wait(wait)
    except subprocess.TimeoutExpired:
        print(f"{who} still ran {wait:g} s after {signal.Signals(signum).name}; stopped it", file=sys.stderr)
        return 1  # the caller's finally kills it


def adapter_main(prog: str, name: str, make: Callable[[Path], Daemon]) -> NoReturn:
    """The adapter's command line: ``PROG sntp-server [--host H] [--port P]``; ``make`` writes the daemon's files.

    The adapter ends as the daemon did when it was asked to stop, else with 1.
    """
    parser = argparse.ArgumentParser(prog=prog, description=f"{name} as the sntp-server recipe")
    sub = parser.add_subparsers(dest="recipe", required=True)
    server = sub.add_parser("sntp-server", help=f"serve SNTP with {name}")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=0)
    args, unknown = parser.parse_known_args()
    if unknown:
        parser.error(f"{name} serves the system clock and has no such option: {' '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix=f"{prog}-") as tmp:
        os.chmod(tmp, 0o755)  # a daemon that drops privileges still reads its configuration
        status = serve(prog, make(Path(tmp)), args.host, args.port)
    end_as(status)


def serve(prog: str, daemon: Daemon, host: str, port: int) -> int:
    """Start ``daemon`` in its namespaces; once it serves, relay HOST:PORT to it until SIGTERM or SIGINT.

    The status is the relay's, which is the daemon's when a signal stopped it (-N: killed by signal N).
    """
    ours, theirs = socket.socketpair()
    argv = [sys.executable, __file__, str(theirs.fileno())]
    argv += ["--synchronised"] * daemon.synchronised + ["--", *daemon.argv]
    proc = subprocess.Popen(argv, pass_fds=[theirs.fileno()], stdout=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    theirs.close()
    try:
        if ours.recv(16) == b"unshared":
            try:
                _map_users(proc.pid)
                ours.sendall(b"mapped")
            except OSError as exc:
                print(f"{prog}: cannot map the users of {daemon.name}'s namespace: {exc}", file=sys.stderr)
                return 1
        if ours.recv(16) != b"ready":
            print(f"{prog}: {daemon.name} did not serve (status {proc.wait()})", file=sys.stderr)
            return 1
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as outer:
            try:
                outer.bind((host, port))
            except OSError as exc:
                print(f"{prog}: cannot bind UDP {host}:{port}: {exc.strerror}", file=sys.stderr)
                return 1
            socket.send_fds(ours, [b"fd"], [outer.fileno()])
            print(f"{daemon.name} serving on {host}:{outer.getsockname()[1]}", flush=True)
            status = proc.wait()
        print(f"{prog}: {daemon.name} stopped (status {status})", file=sys.stderr)
        return 1
    except Stopped as stop:
        return _pass_on(prog, proc, stop.signum, RELAY_WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()  # and the daemon with it (_die_with_parent)


def _map_users(pid: int) -> None:
    """The user map of ``pid``'s new user namespace: every user as itself where we are root, else us as its root."""
    if os.geteuid() == 0:
        Path(f"/proc/{pid}/uid_map").write_text("0 0 65536\n")
        Path(f"/proc/{pid}/gid_map").write_text("0 0 65536\n")
        return
    Path(f"/proc/{pid}/uid_map").write_text(f"0 {os.geteuid()} 1\n")
    Path(f"/proc/{pid}/setgroups").write_text("deny")
    Path(f"/proc/{pid}/gid_map").write_text(f"0 {os.getegid()} 1\n")


def _unshare(control: socket.socket) -> None:
    """Enter a new user and network namespace (unshare(2)); the adapter writes the user map meanwhile."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"unshare: {os.strerror(ctypes.get_errno())}")
    control.sendall(b"unshared")
    if control.recv(16) != b"mapped":
        raise OSError("the adapter did not map our users")


def _die_with_parent() -> None:
    """In the daemon, before exec: SIGKILL when the relay ends (prctl PR_SET_PDEATHSIG), so it never outlives it."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _loopback_up() -> None:
    """Bring ``lo`` up (SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP): a new namespace starts with it down."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        ifreq = fcntl.ioctl(sock, 0x8913, struct.pack("16sH22x", b"lo", 0))
        flags = struct.unpack("16sH22x", ifreq)[1]
        fcntl.ioctl(sock, 0x8914, struct.pack("16sH22x", b"lo", flags | 0x1))


def _await_daemon(daemon: subprocess.Popen[bytes], synchronised: bool) -> str | None:
    """None once the daemon answers (without leap indicator 3 if ``synchronised``), else why not.

    A daemon that answers but has not synchronised by the deadline is served
    as it is: the kit judges what it says.
    """
    deadline = time.monotonic() + READY_TIMEOUT
    answered = False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(DAEMON_ADDRESS)
        probe.settimeout(0.2)
        while True:
            if daemon.poll() is not None:
                return f"exited with status {daemon.returncode} before it served"
            try:
                probe.send(PROBE)
                reply = probe.recv(512)
            except OSError:
                reply = b""
            answered = answered or len(reply) >= 48
            if len(reply) >= 48 and (not synchronised or reply[0] >> 6 != 3):
                return None
            if time.monotonic() > deadline:
                return None if answered else f"did not answer on 127.0.0.1:123 within {READY_TIMEOUT:g} s"
            time.sleep(0.1)


def _relay(outer: socket.socket, control: socket.socket, daemon: subprocess.Popen[bytes]) -> int:
    """Relay datagrams until the adapter goes (its end of ``control`` closes) or the daemon exits."""
    outer.setblocking(False)
    clients: dict[object, socket.socket] = {}
    with selectors.DefaultSelector() as selector:
        selector.register(outer, selectors.EVENT_READ)
        selector.register(control, selectors.EVENT_READ)
        while daemon.poll() is None:
            for key, _ in selector.select(timeout=0.5):
                if key.fileobj is control:
                    return 0
                if key.fileobj is outer:
                    try:
                        datagram, client = outer.recvfrom(65535)
                    except OSError:
                        continue
                    if client not in clients:
                        if len(clients) >= MAX_CLIENTS:
                            oldest = clients.pop(next(iter(clients)))
                            selector.unregister(oldest)
                            oldest.close()
                        inner = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        inner.connect(DAEMON_ADDRESS)
                        inner.setblocking(False)
                        clients[client] = inner
                        selector.register(inner, selectors.EVENT_READ, client)
                    # OSError: the daemon's ICMP error of an earlier datagram; this one is sent all the same.
                    with contextlib.suppress(OSError):
                        clients[client].send(datagram)
                elif isinstance(key.fileobj, socket.socket):
                    with contextlib.suppress(OSError):
                        outer.sendto(key.fileobj.recv(65535), key.data)
    return 1


def inside(control_fd: int, synchronised: bool, argv: list[str]) -> int:
    """In the new namespaces: loopback up, the daemon started, then the relay; the daemon always stopped.

    A stop signal before the daemon starts ends the relay as it ends any process; after, it goes to the daemon.
    """
    control = socket.socket(fileno=control_fd)
    try:
        _unshare(control)
        _loopback_up()
    except OSError as exc:
        print(f"netns_relay.py: cannot make the daemon's namespace: {exc}", file=sys.stderr)
        return 1
    daemon = subprocess.Popen(argv, stdout=sys.stderr, preexec_fn=_die_with_parent)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        problem = _await_daemon(daemon, synchronised)
        if problem:
            print(f"{Path(argv[0]).name} {problem}", file=sys.stderr)
            return 1
        try:
            control.sendall(b"ready")
            _, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            fds = []
        if not fds:
            return 0  # the adapter went before it served
        with socket.socket(fileno=fds[0]) as outer:
            return _relay(outer, control, daemon)
    except Stopped as stop:
        return _pass_on(Path(argv[0]).name, daemon, stop.signum, SIGNAL_WAIT)
    finally:
        if daemon.poll() is None:
            daemon.terminate()
        try:
            daemon.wait(2)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def _inside_main() -> int:
    parser = argparse.ArgumentParser(prog="netns_relay.py", description="the relay inside the daemon's namespaces")
    parser.add_argument("control_fd", type=int)
    parser.add_argument("--synchronised", action="store_true")
    parser.add_argument("argv", nargs="+")
    args = parser.parse_args()
    return inside(args.control_fd, args.synchronised, args.argv)


if __name__ == "__main__":
    end_as(_inside_main())

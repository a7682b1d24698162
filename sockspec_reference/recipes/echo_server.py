"""§11 echo-server: every byte of every connection echoed back, many clients at once.

The tutorial's server reads once (2048 bytes), answers and hangs up.  This one:

- echoes until the client closes, then closes its side once everything owed
  has been written, so a client that half-closes (``shutdown(SHUT_WR)``)
  still gets all of its data back;
- applies backpressure: when a reply cannot be written at once, the rest
  (at most one read) is kept for that client alone and the server stops
  reading from it until the rest is out, so a client that never reads
  cannot make the server buffer more than one read for it;
- drops a connection from which nothing was read for ``--idle-timeout``
  seconds (idle, or stuck because it never reads its echo);
- survives resets (that connection is closed and nothing else);
- with ``--workers N``, runs N processes, each with its own listening
  socket on the same port (SO_REUSEPORT), for machines with more cores.

Speed, as measured with ``python -m sockspec bench`` (docs/benchmarks.md):
one readiness loop straight on ``select.epoll`` (``select.poll`` elsewhere),
non-blocking sockets, each connection's ``recv_into``/``send`` kept as bound
methods in a table indexed by file descriptor, every read into one shared
256 KiB buffer and written back from it at once, TCP_NODELAY on every
accepted socket, a 1024 backlog, and one large block allocated and freed at
start so glibc stops serving big buffers with mmap.  The loop's per-read
bookkeeping is one list store (the idle clock is a tick counter).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from sockspec_reference._argtypes import int_in_range, port_number, seconds
from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._listen import server_socket, setup_errors
from sockspec_reference._program import Failure, Recipe, say
from sockspec_reference._signals import Stopped, stop_on_signals

READ_SIZE = 256 * 1024
BACKLOG = 1024
DEFAULT_IDLE = 300.0
#: The idle timeout is checked this many times per timeout period.
IDLE_TICKS = 4
#: Freeing one mmap-served block makes glibc raise its mmap threshold to its size.
MALLOC_WARM_UP = 1024 * 1024
MAX_WORKERS = 64


class Poller:
    """``select.epoll`` where there is one, else ``select.poll``: register, modify, unregister, wait."""

    register: Callable[[int, int], None]
    modify: Callable[[int, int], None]
    unregister: Callable[[int], None]
    wait: Callable[[float], list[tuple[int, int]]]
    close: Callable[[], None]

    def __init__(self) -> None:
        if hasattr(select, "epoll"):
            self._epoll = select.epoll()
            self.IN, self.OUT = select.EPOLLIN, select.EPOLLOUT
            self.wait = self._epoll.poll
            self.register, self.modify = self._epoll.register, self._epoll.modify
            self.unregister, self.close = self._epoll.unregister, self._epoll.close
        else:  # pragma: no cover - macOS and other BSDs
            poll = select.poll()
            self.IN, self.OUT = select.POLLIN, select.POLLOUT
            self.wait = lambda timeout: poll.poll(timeout * 1000)
            self.register, self.modify, self.unregister = poll.register, poll.modify, poll.unregister
            self.close = lambda: None


class EchoLoop:
    """All connections of one listening socket, served by one readiness loop.

    Per connection, indexed by file descriptor: its socket, its bound
    ``recv_into`` and ``send``, the rest of a reply the socket would not
    take (``None`` when there is none), and the idle tick of its last read.
    Nothing is read from a connection while it has a rest, so its end of
    file is only ever seen when nothing is owed, and closing then is right.
    """

    def __init__(self, listener: socket.socket, idle: float) -> None:
        self.listener = listener
        self.idle = idle
        self.poller = Poller()
        self.socks: dict[int, socket.socket] = {}
        self.recv_into: list[Any] = []
        self.send: list[Any] = []
        self.unsent: list[memoryview | None] = []
        self.last_read: list[int] = []
        self.tick = 0

    def _grow(self, fd: int) -> None:
        missing = fd + 1 - len(self.send)
        if missing > 0:
            self.recv_into += [None] * missing
            self.send += [None] * missing
            self.unsent += [None] * missing
            self.last_read += [0] * missing

    def accept(self) -> None:
        """Take every pending connection (the listener is level-triggered)."""
        while True:
            try:
                sock, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # e.g. ECONNABORTED, EMFILE: drop this one, keep serving
                return
            sock.setblocking(False)
            with contextlib.suppress(OSError):  # not TCP (a Unix socket in tests) or already reset
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            fd = sock.fileno()
            self._grow(fd)
            self.socks[fd] = sock
            self.recv_into[fd], self.send[fd] = sock.recv_into, sock.send
            self.unsent[fd], self.last_read[fd] = None, self.tick
            self.poller.register(fd, self.poller.IN)

    def drop(self, fd: int) -> None:
        """Forget a connection and close it (the kernel still sends what it holds, then FIN)."""
        sock = self.socks.pop(fd)
        self.poller.unregister(fd)
        self.recv_into[fd] = self.send[fd] = self.unsent[fd] = None
        sock.close()

    def flush(self, fd: int) -> None:
        """The socket can take more: write the rest, then read again."""
        rest = self.unsent[fd]
        assert rest is not None
        try:
            sent = self.send[fd](rest)
        except BlockingIOError:
            return
        except OSError:
            self.drop(fd)
            return
        if sent < len(rest):
            self.unsent[fd] = rest[sent:]
            return
        self.unsent[fd] = None
        self.poller.modify(fd, self.poller.IN)

    def sweep(self) -> int:
        """Advance the idle clock; close connections with no read for IDLE_TICKS ticks; the new tick."""
        self.tick += 1
        stale = self.tick - IDLE_TICKS
        for fd in [fd for fd in self.socks if self.last_read[fd] < stale]:
            self.drop(fd)
        return self.tick

    def serve(self) -> None:
        """Echo until a stop signal raises :class:`Stopped` out of the wait."""
        listen_fd = self.listener.fileno()
        self.listener.setblocking(False)
        poller = self.poller
        poller.register(listen_fd, poller.IN)
        buffer = bytearray(READ_SIZE)
        view = memoryview(buffer)
        recv_into, send, unsent, last_read = self.recv_into, self.send, self.unsent, self.last_read
        wait, modify, OUT = poller.wait, poller.modify, poller.OUT
        period = self.idle / IDLE_TICKS if self.idle else 3600.0
        next_tick = time.monotonic() + period
        tick = self.tick
        monotonic = time.monotonic
        while True:
            # Wake for the next idle tick on time, not a whole period after the last event.
            for fd, _ in wait(max(0.0, next_tick - monotonic()) if self.idle else period):
                if fd == listen_fd:
                    self.accept()
                    continue
                if unsent[fd] is not None:
                    self.flush(fd)
                    continue
                try:
                    count = recv_into[fd](buffer)
                except BlockingIOError:
                    continue
                except OSError:  # reset, or gone
                    self.drop(fd)
                    continue
                if not count:  # end of file: nothing is owed, or we would not be reading
                    self.drop(fd)
                    continue
                last_read[fd] = tick
                try:
                    sent = send[fd](view[:count])
                except BlockingIOError:
                    sent = 0
                except OSError:
                    self.drop(fd)
                    continue
                if sent < count:  # keep the rest for this client; read nothing more until it is out
                    unsent[fd] = memoryview(buffer[sent:count])
                    modify(fd, OUT)
            if self.idle and monotonic() >= next_tick:
                next_tick = monotonic() + period
                tick = self.sweep()

    def close(self) -> None:
        for fd in list(self.socks):
            self.drop(fd)
        self.poller.close()


def _listeners(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker, all on the same port (SO_REUSEPORT when more than one)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(workers):
            sock, address = server_socket(host, port, socket.SOCK_STREAM)
            socks.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if workers > 1:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            with setup_errors(host, port):
                sock.bind(address)
                sock.listen(BACKLOG)
            port = sock.getsockname()[1]  # port 0: the others join the port the first one got
    except BaseException:
        for sock in socks:
            sock.close()
        raise
    return socks


def _serve(listener: socket.socket, idle: float) -> None:
    loop = EchoLoop(listener, idle)
    try:
        loop.serve()
    finally:
        loop.close()


def _run_workers(listeners: list[socket.socket], idle: float) -> None:
    """Fork a process for each listener but the first, serve that one here, stop them all together."""
    children = []
    try:
        for listener in listeners[1:]:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                code = 0
                try:
                    for other in listeners:
                        if other is not listener:
                            other.close()
                    _serve(listener, idle)
                except Stopped:
                    pass
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            children.append(pid)
        _serve(listeners[0], idle)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def raise_mmap_threshold() -> None:
    """Allocate and free one large block (see the module docstring)."""
    block = bytearray(MALLOC_WARM_UP)
    del block


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=0, help="port to bind (default: 0, any free)")
    parser.add_argument(
        "--idle-timeout",
        type=seconds,
        default=DEFAULT_IDLE,
        help=f"close a connection silent this many seconds; 0: never (default: {DEFAULT_IDLE:g})",
    )
    parser.add_argument(
        "--workers",
        type=int_in_range(1, MAX_WORKERS, "workers"),
        default=1,
        help="processes sharing the port with SO_REUSEPORT (default: 1)",
    )


def run(args: argparse.Namespace) -> ExitCode:
    if args.workers > 1 and not hasattr(socket, "SO_REUSEPORT"):
        raise Failure("--workers needs SO_REUSEPORT, which this platform lacks", ExitCode.USAGE)
    raise_mmap_threshold()
    stop_on_signals()
    listeners = _listeners(args.host, args.port, args.workers)
    try:
        host, port = listeners[0].getsockname()[:2]
        say(f"Echo server listening on {host}:{port}")
        _run_workers(listeners, args.idle_timeout)
    finally:
        for listener in listeners:
            listener.close()
    return ExitCode.OK


RECIPE = Recipe(
    name="echo-server",
    summary="echo every byte of every TCP connection until the client closes",
    details=__doc__ or "",
    configure=configure,
    run=run,
    exit_codes=(ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE),
)

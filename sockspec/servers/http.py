"""A kit HTTP/1.0 server for the http-get specs (§7): it records each request and misbehaves on demand.

Strategy: one accept thread and one thread per connection, all on 127.0.0.1
port 0.  A connection reads the request up to the blank line that ends an
HTTP/1.0 request head (RFC 1945 §5), then acts out the server's ``Mode``:

    NORMAL   send the whole response, half-close, read until the client closes
    RESET    send the head and part of the body, then reset (SO_LINGER 0 close)
    SILENT   never answer; hold the connection until the client gives up
    CLOSE    close without any response

Every byte the client sends is recorded (also bytes after the blank line), so
a spec can compare the request with the exact bytes it expects.  Nothing
waits forever: every socket has a timeout, every wait also watches a wake-up
socket that :meth:`HttpServer.stop` writes to, and ``stop`` joins the threads.
"""

from __future__ import annotations

import contextlib
import enum
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sockspec.addresses import LOOPBACK

__all__ = ["Exchange", "HttpServer", "Mode", "response"]

#: End of an HTTP/1.0 request head (RFC 1945 §5: Request-Line, headers, CRLF).
HEAD_END = b"\r\n\r\n"
#: Most request bytes kept from one connection.
REQUEST_CAP = 64 * 1024
_READ = 64 * 1024


class Mode(enum.Enum):
    """What the server does once it has read a request."""

    NORMAL = "normal"
    RESET = "reset"
    SILENT = "silent"
    CLOSE = "close"


def response(body: bytes, *, status: str = "200 OK") -> bytes:
    """A complete HTTP/1.0 response carrying ``body`` (RFC 1945 §6)."""
    head = f"HTTP/1.0 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


@dataclass
class Exchange:
    """One connection as the server saw it."""

    peer: tuple[str, int]
    request: bytearray = field(default_factory=bytearray)
    sent: bytearray = field(default_factory=bytearray)
    ended: str = ""  # how the server's side ended: closed, reset, client closed, stopped, error: ...

    @property
    def done(self) -> bool:
        return self.ended != ""

    def describe(self, limit: int = 300) -> str:
        """The exchange for a report: what each side sent (clipped) and how it ended."""

        def show(data: bytes | bytearray) -> str:
            text = repr(bytes(data[:limit]))
            return f"{len(data)} bytes: {text}{' ...' if len(data) > limit else ''}"

        return (
            f"connection from {self.peer[0]}:{self.peer[1]}\n"
            f"  client sent   {show(self.request)}\n"
            f"  server sent   {show(self.sent)}\n"
            f"  server side   {self.ended or 'still open'}"
        )


def _middle_of_body(payload: bytes) -> int:
    """How much of ``payload`` a reset sends by default: the head and half the body."""
    end = payload.find(HEAD_END)
    head = len(payload) if end < 0 else end + len(HEAD_END)
    return head + (len(payload) - head) // 2


class HttpServer:
    """A threaded HTTP/1.0 server on 127.0.0.1 port 0 that records every request.

    ``payload`` is the full response to send (see :func:`response`); in
    ``Mode.RESET`` only its first ``reset_after`` bytes go out (default: the
    head and half the body), ``reset_delay`` seconds before the reset.  In
    ``Mode.SILENT`` a connection is held at most ``hold`` seconds.  ``timeout``
    bounds every other wait: for the request head, and for the client to close.
    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        payload: bytes = b"",
        mode: Mode = Mode.NORMAL,
        *,
        timeout: float = 2.0,
        reset_after: int | None = None,
        reset_delay: float = 0.1,
        hold: float = 30.0,
    ) -> None:
        self.payload = payload
        self.mode = mode
        self.timeout = timeout
        self.reset_after = _middle_of_body(payload) if reset_after is None else reset_after
        self.reset_delay = reset_delay
        self.hold = hold
        self.exchanges: list[Exchange] = []
        self._changed = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.settimeout(timeout)
        self._started = False

    # -- life cycle ---------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def start(self) -> HttpServer:
        """Bind 127.0.0.1 port 0, listen, and serve on a thread."""
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(16)
        self._started = True
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        """Wake every thread, close every socket, join the threads (idempotent)."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        for thread in list(self._threads):
            thread.join(self.timeout + 1.0)
        for sock in (self._listener, self._wake_r, self._wake_w):
            sock.close()

    def __enter__(self) -> HttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the specs read ------------------------------------------------

    def finished(self, count: int = 1, timeout: float = 1.0) -> list[Exchange]:
        """The exchanges so far, after waiting up to ``timeout`` s for ``count`` of them to end."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(e.done for e in self.exchanges) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return list(self.exchanges)

    def describe(self) -> str:
        """Every exchange so far, for a report."""
        with self._changed:
            lines = [f"kit HTTP/1.0 server on {LOOPBACK}:{self.port}, mode {self.mode.value}"]
            lines += [e.describe() for e in self.exchanges] or ["  no connection"]
        return "\n".join(lines)

    # -- threads ------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _readable(self, sock: socket.socket, timeout: float) -> bool:
        """Wait until ``sock`` is readable; False on timeout or when the server stops."""
        if self._stopping.is_set():
            return False
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            ready = {key.fileobj for key, _ in sel.select(timeout)}
        return sock in ready and not self._stopping.is_set()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            if not self._readable(self._listener, self.timeout):
                continue
            try:
                conn, peer = self._listener.accept()
            except OSError:
                continue
            conn.settimeout(self.timeout)
            exchange = Exchange(peer=(peer[0], peer[1]))
            with self._changed:
                self.exchanges.append(exchange)
            self._spawn(self._serve, conn, exchange)

    def _end(self, exchange: Exchange, how: str) -> None:
        with self._changed:
            exchange.ended = how
            self._changed.notify_all()

    def _receive(self, conn: socket.socket, exchange: Exchange, until_head: bool, timeout: float) -> str:
        """Record what the client sends: up to the head's end, or until it closes; how reading stopped."""
        deadline = time.monotonic() + timeout
        while not (until_head and HEAD_END in exchange.request):
            left = deadline - time.monotonic()
            if left <= 0:
                return "timed out"
            if not self._readable(conn, left):
                return "stopped" if self._stopping.is_set() else "timed out"
            chunk = conn.recv(_READ)
            if not chunk:
                return "client closed"
            with self._changed:
                exchange.request += chunk[: max(0, REQUEST_CAP - len(exchange.request))]
        return "head read"

    def _send(self, conn: socket.socket, exchange: Exchange, data: bytes) -> None:
        conn.sendall(data)
        with self._changed:
            exchange.sent += data

    def _serve(self, conn: socket.socket, exchange: Exchange) -> None:
        how = "closed"
        try:
            with conn:
                self._receive(conn, exchange, until_head=True, timeout=self.timeout)
                if self.mode is Mode.RESET:
                    self._send(conn, exchange, self.payload[: self.reset_after])
                    time.sleep(self.reset_delay)  # let the client read the part first
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    how = "reset"
                    return
                if self.mode is Mode.SILENT:
                    how = self._receive(conn, exchange, until_head=False, timeout=self.hold)
                    return
                if self.mode is Mode.NORMAL:
                    self._send(conn, exchange, self.payload)
                conn.shutdown(socket.SHUT_WR)
                ending = self._receive(conn, exchange, until_head=False, timeout=self.timeout)
                how = "closed" if ending == "client closed" else f"closed ({ending} waiting for the client to close)"
        except OSError as exc:
            how = f"error: {exc}"
        finally:
            self._end(exchange, how)

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

import enum
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from sockspec.addresses import LOOPBACK
from sockspec.servers.threaded import ThreadedServer

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


class HttpServer(ThreadedServer):
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
        self.reset_after = _middle_of_body(payload) if reset_after is None else reset_after
        self.reset_delay = reset_delay
        self.hold = hold
        self.exchanges: list[Exchange] = []
        self._changed = threading.Condition()
        super().__init__(timeout)

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

    def serve(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        exchange = Exchange(peer=peer)
        with self._changed:
            self.exchanges.append(exchange)
        self._serve(conn, exchange)

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
            if not self._stop.readable(conn, left):
                return "stopped" if self._stop.is_set() else "timed out"
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

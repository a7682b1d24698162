"""Loopback relays between a client under test and a kit server, recording the wire.

Strategy: the kit's own servers (the reference echo and SNTP servers) are
trusted to behave; what a client spec needs is control over *how* the reply
reaches the client and a record of every byte.  So a relay sits in between:

``TcpProxy``
    listens on 127.0.0.1 port 0 and opens one upstream connection per client.
    Client-to-server bytes are forwarded as they come.  Server-to-client bytes
    follow a :class:`Delivery`: all at once, one byte per segment, split
    with a pause, or cut short by closing the client's connection.  Each
    direction runs on its own thread; a half-close is passed on.
``DatagramRelay``
    relays UDP datagrams between clients and one upstream server, unchanged,
    with one upstream socket per client address.

Both record each chunk with its time, and :meth:`transcript` renders the
record with hex dumps for a report.  Nothing waits forever: every socket
has a timeout, waits also watch a wake-up socket that ``stop`` writes to,
and ``stop`` closes every socket and joins every thread (use them as
context managers).
"""

from __future__ import annotations

import abc
import contextlib
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Self

from sockspec.addresses import LOOPBACK

__all__ = ["DatagramRelay", "Delivery", "Event", "TcpProxy", "hexdump"]

_READ = 64 * 1024
_DATAGRAM = 65535
#: Bytes of one chunk shown in a transcript; the rest is counted, not shown.
SHOWN = 512

CLIENT_TO_SERVER = "client->server"
SERVER_TO_CLIENT = "server->client"
NOTE = "note"


@dataclass(frozen=True)
class Delivery:
    """How a :class:`TcpProxy` hands the server's reply to the client.

    ``chunk``: most bytes per send (1: one byte per segment), ``gap`` seconds
    apart.  ``pause_after``: after that many reply bytes, wait ``pause``
    seconds.  ``close_after``: deliver at most that many reply bytes, then
    close the client's connection (0: close as soon as the server starts to
    answer, so the request has been read and nothing is echoed).
    """

    chunk: int | None = None
    gap: float = 0.0
    pause_after: int | None = None
    pause: float = 0.0
    close_after: int | None = None

    def __post_init__(self) -> None:
        if self.chunk is not None and self.chunk < 1:
            raise ValueError(f"chunk must be at least 1 byte, got {self.chunk!r}")
        for name in ("gap", "pause"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)!r}")
        for name in ("pause_after", "close_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative, got {value!r}")

    @classmethod
    def bytewise(cls, gap: float = 0.003) -> Delivery:
        """One byte per segment, ``gap`` seconds apart."""
        return cls(chunk=1, gap=gap)

    @classmethod
    def split(cls, at: int, pause: float) -> Delivery:
        """The first ``at`` bytes, then a pause of ``pause`` seconds, then the rest."""
        return cls(pause_after=at, pause=pause)

    @classmethod
    def truncated(cls, after: int) -> Delivery:
        """At most ``after`` bytes of the reply, then the client's connection is closed."""
        return cls(close_after=after)

    def describe(self) -> str:
        parts = []
        if self.chunk is not None:
            parts.append(f"{self.chunk} byte(s) per send, {self.gap:g} s apart")
        if self.pause_after is not None:
            parts.append(f"a {self.pause:g} s pause after {self.pause_after} bytes")
        if self.close_after is not None:
            parts.append(f"client connection closed after {self.close_after} reply bytes")
        return "; ".join(parts) or "as received"

    def next_piece(self, available: int, delivered: int) -> int:
        """How many of ``available`` bytes to send now, ``delivered`` having gone before."""
        size = available
        if self.chunk is not None:
            size = min(size, self.chunk)
        for limit in (self.pause_after, self.close_after):
            if limit is not None and delivered < limit:
                size = min(size, limit - delivered)
        return size


@dataclass(frozen=True)
class Event:
    """One recorded chunk or note: ``at`` seconds after the relay started."""

    at: float
    connection: int
    direction: str
    data: bytes = b""
    note: str = ""


def hexdump(data: bytes, limit: int = SHOWN, indent: str = "    ") -> str:
    """Offset, hex bytes and printable ASCII, 16 bytes a line, at most ``limit`` bytes."""
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        row = data[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in row)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{indent}{offset:04x}  {hexes:<47}  |{text}|")
    if len(data) > limit:
        lines.append(f"{indent}... {len(data) - limit} more bytes")
    return "\n".join(lines)


class _Record:
    """Thread-safe event log shared by a relay's threads."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.events: list[Event] = []
        self.lock = threading.Lock()

    def add(self, connection: int, direction: str, data: bytes = b"", note: str = "") -> None:
        with self.lock:
            self.events.append(Event(time.monotonic() - self.start, connection, direction, data, note))

    def snapshot(self) -> list[Event]:
        with self.lock:
            return list(self.events)

    def joined(self, direction: str, connection: int | None) -> bytes:
        return b"".join(
            e.data
            for e in self.snapshot()
            if e.direction == direction and (connection is None or e.connection == connection)
        )


def _render(header: str, events: Iterable[Event], *, merge: bool = True) -> str:
    """One block per chunk; with ``merge``, a run of chunks in one direction is one block.

    Merging makes a byte-at-a-time TCP reply read as one block; datagrams are
    never merged, since their boundaries are the message.
    """
    lines = [header]
    run: list[Event] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        data = b"".join(e.data for e in run)
        span = f"+{first.at:.3f}" if first is last else f"+{first.at:.3f}..+{last.at:.3f}"
        sends = "" if len(run) == 1 else f" in {len(run)} chunks"
        noun = "byte" if len(data) == 1 else "bytes"
        lines.append(f"#{first.connection} {span} s {first.direction} {len(data)} {noun}{sends}")
        lines.append(hexdump(data))
        run.clear()

    for event in events:
        if event.direction == NOTE:
            flush()
            lines.append(f"#{event.connection} +{event.at:.3f} s {event.note}")
            continue
        if run and (not merge or (run[-1].direction, run[-1].connection) != (event.direction, event.connection)):
            flush()
        run.append(event)
    flush()
    return "\n".join(lines)


def _quietly_shutdown(sock: socket.socket, how: int = socket.SHUT_RDWR) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(how)


class _Link:
    """One proxied connection: the client's socket, the upstream socket, two pump threads."""

    def __init__(self, number: int, client: socket.socket, upstream: socket.socket) -> None:
        self.number = number
        self.client = client
        self.upstream = upstream
        self.threads: list[threading.Thread] = []
        self._running = 2
        self._lock = threading.Lock()

    def pump_done(self) -> None:
        """Called by each pump as it ends; the last one closes both sockets."""
        with self._lock:
            self._running -= 1
            last = self._running == 0
        if last:
            self.client.close()
            self.upstream.close()

    def abort(self) -> None:
        """Wake both pumps: every blocked ``recv`` returns."""
        _quietly_shutdown(self.client)
        _quietly_shutdown(self.upstream)


class _Relay(abc.ABC):
    """What both relays share: a loopback address, one worker thread, and a
    wake-up socket pair so that :meth:`stop` interrupts the worker's select."""

    _address: tuple[str, int]

    def __init__(self, worker: Callable[[], None], name: str) -> None:
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=worker, name=name, daemon=True)
        self._started = False

    @property
    def address(self) -> tuple[str, int]:
        return self._address

    @property
    def port(self) -> int:
        return self.address[1]

    def start(self) -> Self:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def _halt(self) -> bool:
        """Wake the worker and join it; False if stopping had already begun."""
        if self._stopping.is_set():
            return False
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        if self._started:
            self._thread.join(2.0)
        return True

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop the worker and close every socket (idempotent)."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TcpProxy(_Relay):
    """A recording TCP proxy on 127.0.0.1 port 0 in front of ``upstream``.

    ``timeout`` bounds every socket operation; a connection idle that long
    is dropped.  Use it as a context manager, or :meth:`start` and :meth:`stop`.
    """

    def __init__(self, upstream: tuple[str, int], delivery: Delivery | None = None, *, timeout: float = 5.0) -> None:
        self.upstream = upstream
        self.delivery = delivery or Delivery()
        self.timeout = timeout
        self._record = _Record()
        self._listener = socket.create_server((LOOPBACK, 0), backlog=128)
        self._address = self._listener.getsockname()[:2]
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        super().__init__(self._accept_loop, "sockspec-proxy-accept")

    def stop(self) -> None:
        """Close everything and join every thread (idempotent)."""
        if not self._halt():
            return
        with self._lock:
            links = list(self._links)
        for link in links:
            link.abort()
        for link in links:
            for thread in link.threads:
                thread.join(2.0)
        self._listener.close()
        self._wake_r.close()
        self._wake_w.close()

    # -- what was seen -------------------------------------------------

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._links)

    def sent(self, connection: int | None = None) -> bytes:
        """What the client(s) sent toward the server (one connection, or all in order)."""
        return self._record.joined(CLIENT_TO_SERVER, connection)

    def delivered(self, connection: int | None = None) -> bytes:
        """What the proxy delivered to the client(s) from the server."""
        return self._record.joined(SERVER_TO_CLIENT, connection)

    def events(self) -> list[Event]:
        return self._record.snapshot()

    def transcript(self) -> str:
        host, port = self.upstream
        header = (
            f"TCP proxy {LOOPBACK}:{self.port} -> server {host}:{port}; "
            f"reply delivery: {self.delivery.describe()}; {self.connections} connection(s)"
        )
        return _render(header, self._record.snapshot())

    # -- threads --------------------------------------------------------

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._listener, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping.is_set():
                ready = {key.fileobj for key, _ in sel.select(0.5)}
                if self._wake_r in ready or self._stopping.is_set():
                    return
                if self._listener in ready:
                    try:
                        client, peer = self._listener.accept()
                    except OSError:
                        continue
                    self._open(client, peer)

    def _open(self, client: socket.socket, peer: tuple[str, int]) -> None:
        with self._lock:
            number = len(self._links) + 1
        self._record.add(number, NOTE, note=f"client {peer[0]}:{peer[1]} connected")
        client.settimeout(self.timeout)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            upstream = socket.create_connection(self.upstream, timeout=self.timeout)
        except OSError as exc:
            self._record.add(number, NOTE, note=f"cannot reach the server: {exc}; client connection closed")
            client.close()
            return
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        link = _Link(number, client, upstream)
        link.threads = [
            threading.Thread(target=self._forward, args=(link,), name=f"sockspec-proxy-{number}-up", daemon=True),
            threading.Thread(target=self._deliver, args=(link,), name=f"sockspec-proxy-{number}-down", daemon=True),
        ]
        with self._lock:
            self._links.append(link)
        for thread in link.threads:
            thread.start()

    def _receive(self, link: _Link, source: socket.socket, side: str, sink: socket.socket) -> bytes | None:
        """The next bytes from ``source``; None once it failed (link aborted) or ended (EOF passed to ``sink``)."""
        try:
            data = source.recv(_READ)
        except OSError as exc:
            if not self._stopping.is_set():
                self._record.add(link.number, NOTE, note=f"reading from the {side} failed: {exc}")
            link.abort()
            return None
        if not data:
            self._record.add(link.number, NOTE, note=f"{side} closed its sending side (EOF)")
            _quietly_shutdown(sink, socket.SHUT_WR)
            return None
        return data

    def _forward(self, link: _Link) -> None:
        """Client to server, as it comes; the client's half-close is passed on."""
        try:
            while True:
                data = self._receive(link, link.client, "client", link.upstream)
                if data is None:
                    return
                self._record.add(link.number, CLIENT_TO_SERVER, data)
                try:
                    link.upstream.sendall(data)
                except OSError as exc:
                    self._record.add(link.number, NOTE, note=f"sending to the server failed: {exc}")
                    link.abort()
                    return
        finally:
            link.pump_done()

    def _deliver(self, link: _Link) -> None:
        """Server to client, following the delivery policy."""
        policy = self.delivery
        delivered = 0
        try:
            while True:
                if policy.close_after is not None and delivered >= policy.close_after and delivered > 0:
                    self._cut(link, delivered)
                    return
                data = self._receive(link, link.upstream, "server", link.client)
                if data is None:
                    return
                view = memoryview(data)
                while view:
                    if policy.close_after is not None and delivered >= policy.close_after:
                        self._cut(link, delivered)
                        return
                    size = policy.next_piece(len(view), delivered)
                    piece = bytes(view[:size])
                    try:
                        link.client.sendall(piece)
                    except OSError as exc:
                        self._record.add(link.number, NOTE, note=f"sending to the client failed: {exc}")
                        link.abort()
                        return
                    self._record.add(link.number, SERVER_TO_CLIENT, piece)
                    delivered += size
                    view = view[size:]
                    if policy.pause_after is not None and delivered == policy.pause_after and policy.pause:
                        self._record.add(link.number, NOTE, note=f"pausing {policy.pause:g} s")
                        if self._stopping.wait(policy.pause):
                            return
                    elif policy.gap and self._stopping.wait(policy.gap):
                        return
        finally:
            link.pump_done()

    def _cut(self, link: _Link, delivered: int) -> None:
        self._record.add(link.number, NOTE, note=f"proxy closed the client connection after {delivered} reply bytes")
        _quietly_shutdown(link.client)
        _quietly_shutdown(link.upstream)


class DatagramRelay(_Relay):
    """A recording UDP relay on 127.0.0.1 port 0 in front of ``upstream``.

    Each client address gets its own socket towards the server, so replies
    go back to the client whose request they answer, as a NAT would do it;
    clients are numbered in order of their first datagram.  Datagrams pass
    unchanged: the relay records, it does not judge.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._record = _Record()
        self._front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._front.bind((LOOPBACK, 0))
        self._address = self._front.getsockname()[:2]
        self._backs: dict[tuple[str, int], tuple[int, socket.socket]] = {}
        super().__init__(self._loop, "sockspec-udp-relay")

    def stop(self) -> None:
        """Stop relaying, close every socket, join the thread (idempotent)."""
        if not self._halt():
            return
        for sock in (self._front, self._wake_r, self._wake_w, *(back for _, back in self._backs.values())):
            sock.close()

    def requests(self, client: int | None = None) -> list[bytes]:
        """The datagrams clients sent (client ``client`` only, counting from 1), in order."""
        return self._datagrams(CLIENT_TO_SERVER, client)

    def replies(self, client: int | None = None) -> list[bytes]:
        """The datagrams the server sent back (to client ``client`` only), in order."""
        return self._datagrams(SERVER_TO_CLIENT, client)

    def _datagrams(self, direction: str, client: int | None) -> list[bytes]:
        return [
            e.data
            for e in self._record.snapshot()
            if e.direction == direction and (client is None or e.connection == client)
        ]

    def events(self) -> list[Event]:
        return self._record.snapshot()

    def transcript(self) -> str:
        host, port = self.upstream
        events = self._record.snapshot()
        header = f"UDP relay {LOOPBACK}:{self.port} -> server {host}:{port}; #N is the Nth client address"
        return _render(header, events, merge=False) if events else header + "\nno datagram was seen"

    def _loop(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._front, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in sel.select(0.5):
                    if key.fileobj is self._wake_r:
                        return
                    if key.fileobj is self._front:
                        self._from_client(sel)
                    else:
                        self._from_server(*key.data)

    def _from_client(self, sel: selectors.BaseSelector) -> None:
        try:
            data, client = self._front.recvfrom(_DATAGRAM)
        except OSError as exc:
            self._record.add(0, NOTE, note=f"receiving from a client failed: {exc}")
            return
        if client not in self._backs:
            back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            back.connect(self.upstream)
            self._backs[client] = (len(self._backs) + 1, back)
            sel.register(back, selectors.EVENT_READ, (self._backs[client][0], client))
            self._record.add(self._backs[client][0], NOTE, note=f"client {client[0]}:{client[1]}")
        number, back = self._backs[client]
        self._record.add(number, CLIENT_TO_SERVER, data)
        try:
            back.send(data)
        except OSError as exc:
            self._record.add(number, NOTE, note=f"sending to the server failed: {exc}")

    def _from_server(self, number: int, client: tuple[str, int]) -> None:
        _, back = self._backs[client]
        try:
            data = back.recv(_DATAGRAM)
        except OSError as exc:  # e.g. ICMP port unreachable: the server is gone
            self._record.add(number, NOTE, note=f"receiving from the server failed: {exc}")
            return
        self._record.add(number, SERVER_TO_CLIENT, data)
        try:
            self._front.sendto(data, client)
        except OSError as exc:
            self._record.add(number, NOTE, note=f"sending to the client failed: {exc}")

"""The kit's recording TCP proxy between a client under test and a kit server.

It listens on 127.0.0.1 port 0 and opens one upstream connection per
client.  Client-to-server bytes are forwarded as they come; server-to-client
bytes follow a :class:`~sockspec.servers.delivery.Delivery` (all at once,
one byte per segment, paused, or cut short by closing the client's
connection).  Each direction runs on its own thread; a half-close is passed
on.  Every chunk is recorded with its time for the report.
"""

from __future__ import annotations

import selectors
import socket
import threading

from sockspec.addresses import LOOPBACK
from sockspec.servers.delivery import Delivery
from sockspec.servers.relay import Relay
from sockspec.servers.wakeup import quietly_shutdown
from sockspec.servers.wire_record import CLIENT_TO_SERVER, NOTE, SERVER_TO_CLIENT, Record, render

__all__ = ["TcpProxy"]

_READ = 64 * 1024


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
        quietly_shutdown(self.client)
        quietly_shutdown(self.upstream)


class TcpProxy(Relay):
    """A recording TCP proxy on 127.0.0.1 port 0 in front of ``upstream``.

    ``timeout`` bounds every socket operation; a connection idle that long
    is dropped.  Use it as a context manager, or :meth:`start` and :meth:`stop`.
    """

    def __init__(self, upstream: tuple[str, int], delivery: Delivery | None = None, *, timeout: float = 5.0) -> None:
        self.upstream = upstream
        self.delivery = delivery or Delivery()
        self.timeout = timeout
        self._record = Record()
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
        self._stop.close()

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

    def transcript(self) -> str:
        host, port = self.upstream
        header = (
            f"TCP proxy {LOOPBACK}:{self.port} -> server {host}:{port}; "
            f"reply delivery: {self.delivery.describe()}; {self.connections} connection(s)"
        )
        return render(header, self._record.snapshot())

    # -- threads --------------------------------------------------------

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._listener, selectors.EVENT_READ)
            sel.register(self._stop.socket, selectors.EVENT_READ)
            while not self._stop.is_set():
                ready = {key.fileobj for key, _ in sel.select(0.5)}
                if self._stop.socket in ready or self._stop.is_set():
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
            if not self._stop.is_set():
                self._record.add(link.number, NOTE, note=f"reading from the {side} failed: {exc}")
            link.abort()
            return None
        if not data:
            self._record.add(link.number, NOTE, note=f"{side} closed its sending side (EOF)")
            quietly_shutdown(sink, socket.SHUT_WR)
            return None
        return data

    def _send(self, link: _Link, sink: socket.socket, side: str, data: bytes) -> bool:
        """Send ``data`` to ``sink``; False once that failed (the link is then aborted)."""
        try:
            sink.sendall(data)
        except OSError as exc:
            self._record.add(link.number, NOTE, note=f"sending to the {side} failed: {exc}")
            link.abort()
            return False
        return True

    def _forward(self, link: _Link) -> None:
        """Client to server, as it comes; the client's half-close is passed on."""
        try:
            while True:
                data = self._receive(link, link.client, "client", link.upstream)
                if data is None:
                    return
                self._record.add(link.number, CLIENT_TO_SERVER, data)
                if not self._send(link, link.upstream, "server", data):
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
                    if not self._send(link, link.client, "client", piece):
                        return
                    self._record.add(link.number, SERVER_TO_CLIENT, piece)
                    delivered += size
                    view = view[size:]
                    if policy.pause_after is not None and delivered == policy.pause_after and policy.pause:
                        self._record.add(link.number, NOTE, note=f"pausing {policy.pause:g} s")
                        if self._stop.wait(policy.pause):
                            return
                    elif policy.gap and self._stop.wait(policy.gap):
                        return
        finally:
            link.pump_done()

    def _cut(self, link: _Link, delivered: int) -> None:
        self._record.add(link.number, NOTE, note=f"proxy closed the client connection after {delivered} reply bytes")
        quietly_shutdown(link.client)
        quietly_shutdown(link.upstream)

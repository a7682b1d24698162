"""The kit's recording UDP relay between an SNTP client (or the specs' probes) and a server.

Datagrams pass unchanged, with one upstream socket per client address, and
each is recorded with its time for the report.
"""

from __future__ import annotations

import selectors
import socket

from sockspec.addresses import LOOPBACK
from sockspec.servers.relay import Relay
from sockspec.servers.wire_record import CLIENT_TO_SERVER, NOTE, SERVER_TO_CLIENT, Record, render

__all__ = ["DatagramRelay"]

_DATAGRAM = 65535


class DatagramRelay(Relay):
    """A recording UDP relay on 127.0.0.1 port 0 in front of ``upstream``.

    Each client address gets its own socket towards the server, so replies
    go back to the client whose request they answer, as a NAT would do it;
    clients are numbered in order of their first datagram.  Datagrams pass
    unchanged: the relay records, it does not judge.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._record = Record()
        self._front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._front.bind((LOOPBACK, 0))
        self._address = self._front.getsockname()[:2]
        self._backs: dict[tuple[str, int], tuple[int, socket.socket]] = {}
        super().__init__(self._loop, "sockspec-udp-relay")

    def stop(self) -> None:
        """Stop relaying, close every socket, join the thread (idempotent)."""
        if not self._halt():
            return
        for sock in (self._front, *(back for _, back in self._backs.values())):
            sock.close()
        self._stop.close()

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

    def transcript(self) -> str:
        host, port = self.upstream
        events = self._record.snapshot()
        header = f"UDP relay {LOOPBACK}:{self.port} -> server {host}:{port}; #N is the Nth client address"
        return render(header, events, merge=False) if events else header + "\nno datagram was seen"

    def _loop(self) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(self._front, selectors.EVENT_READ)
            sel.register(self._stop.socket, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in sel.select(0.5):
                    if key.fileobj is self._stop.socket:
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
            back = socket.socket(socket.AF_INET6 if ":" in self.upstream[0] else socket.AF_INET, socket.SOCK_DGRAM)
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

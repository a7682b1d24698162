"""Plumbing shared by the API specs: sockets that always close, and peers.

Strategy: the socket under test always comes from ``api``; whatever sits on
the other end of a connection (a listener to connect to, a client for a
listener) comes from the standard library, so a failure points at one side.
Every socket that does I/O gets a short timeout, and everything made for a
case is closed at teardown, also when the case fails.
"""

from __future__ import annotations

import socket as stdlib  # plumbing and oracle only, never the thing under test
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import pytest

from sockspec.addresses import LOOPBACK

#: Timeout of every socket that the specs use for I/O, in seconds: only a wrong
#: implementation waits it out, so it is long enough for a machine busy with other work.
IO_TIMEOUT = 2.0
#: What the kit adds to the upper bound of a measured call: the harness round trip
#: (a JSON message each way through a pipe) on a machine whose cores are busy.
ROUND_TRIP_ALLOWANCE = 0.5


class Sockets:
    """Makes the sockets of one spec case and closes them all afterwards."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self._made: list[Any] = []

    def keep(self, sock: Any) -> Any:
        """Close ``sock`` at teardown; returns it."""
        self._made.append(sock)
        return sock

    def fresh(self, kind: str = "tcp") -> Any:
        """A new IUT socket exactly as ``api.socket`` made it, to read its defaults.

        It has no timeout of its own: use it only for calls that cannot block
        (option reads, ``settimeout``), never for I/O.
        """
        api = self.api
        sock_type = {"tcp": api.SOCK_STREAM, "udp": api.SOCK_DGRAM}[kind]
        return self.keep(api.socket(api.AF_INET, sock_type))

    def tcp(self, timeout: float = IO_TIMEOUT) -> Any:
        """A new IUT TCP socket with ``timeout``."""
        sock = self.fresh("tcp")
        sock.settimeout(timeout)
        return sock

    def listener(self, backlog: int = 1, *, reuse: bool = False, port: int = 0) -> Any:
        """An IUT TCP socket listening on 127.0.0.1 (port 0: the kernel picks one)."""
        api = self.api
        sock = self.tcp()
        if reuse:
            sock.setsockopt(api.SOL_SOCKET, api.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
        sock.listen(backlog)
        return sock

    def accept(self, listener: Any) -> tuple[Any, Any]:
        """Accept one connection on ``listener``; the new socket gets a timeout too."""
        conn, address = listener.accept()
        self.keep(conn)
        conn.settimeout(IO_TIMEOUT)
        return conn, address

    def peer_client(self, port: int) -> stdlib.socket:
        """A standard-library client connected to 127.0.0.1:``port``."""
        sock = self.keep(stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM))
        sock.settimeout(IO_TIMEOUT)
        sock.connect((LOOPBACK, port))
        return sock

    def connected(self, timeout: float = IO_TIMEOUT, *, rcvbuf: int = 0) -> tuple[Any, stdlib.socket]:
        """An IUT client with ``timeout``, connected to a standard-library peer.

        ``rcvbuf`` sets the peer's receive buffer before it listens (the
        accepted socket inherits it, and its window is fixed at the handshake).
        """
        server = self.keep(stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM))
        server.settimeout(IO_TIMEOUT)
        if rcvbuf:
            server.setsockopt(stdlib.SOL_SOCKET, stdlib.SO_RCVBUF, rcvbuf)
        server.bind((LOOPBACK, 0))
        server.listen(1)
        client = self.tcp(timeout)
        client.connect(server.getsockname())
        peer, _ = server.accept()
        self.keep(peer)
        peer.settimeout(IO_TIMEOUT)
        return client, peer

    def close_all(self) -> None:
        while self._made:
            with suppress(Exception):
                self._made.pop().close()


@pytest.fixture
def sockets(api: Any) -> Iterator[Sockets]:
    """Socket factory for one case; every socket it made is closed at teardown."""
    made = Sockets(api)
    try:
        yield made
    finally:
        made.close_all()

"""The kit's echo server: every byte of every connection echoed back, in the kit's own process.

An echo client under test meets a server the kit trusts, behind the kit's
TCP proxy (:mod:`sockspec.servers.tcp_proxy`), which shapes how the reply
reaches the client; the server itself only has to be plainly right.  It
runs on threads here rather than as the reference program, so the kit's
oracle shares no code with the implementation it judges
(docs/architecture.md).  One thread accepts, one thread serves each
connection (:mod:`sockspec.servers.threaded`); a client's half-close is
answered, once everything is echoed, by closing the server's side.
"""

from __future__ import annotations

import socket

from sockspec.servers.threaded import ThreadedServer

__all__ = ["EchoServer"]

_READ = 64 * 1024


class EchoServer(ThreadedServer):
    """A threaded TCP echo server on 127.0.0.1 port 0; ``timeout`` bounds every send and every idle wait."""

    backlog = 128

    def __init__(self, *, timeout: float = 30.0) -> None:
        super().__init__(timeout)

    def serve(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        """Echo until the client's end of file (or an error, or an idle ``timeout``); the server then closes."""
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while self._stop.readable(conn, self.timeout):
                data = conn.recv(_READ)
                if not data:
                    return
                conn.sendall(data)
        except OSError:
            return

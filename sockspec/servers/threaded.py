"""What the kit's threaded TCP servers share: a listener on loopback, a thread per connection, a stop that returns.

One thread accepts; each connection is served on a thread of its own by the
subclass's :meth:`ThreadedServer.serve`, and closed after it.  Every wait
watches the server's :class:`~sockspec.servers.wakeup.Wakeup`, and a stop
shuts down the open connections, so :meth:`ThreadedServer.stop` ends every
thread within ``timeout`` and closes every socket.
"""

from __future__ import annotations

import abc
import socket
import threading
from collections.abc import Callable
from typing import Self

from sockspec.addresses import LOOPBACK
from sockspec.servers.wakeup import Wakeup, quietly_shutdown

__all__ = ["ThreadedServer"]


class ThreadedServer(abc.ABC):
    """A TCP server on 127.0.0.1 port 0; ``timeout`` bounds every wait of every thread."""

    #: The listener's backlog.
    backlog = 16

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._stop = Wakeup()
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.settimeout(timeout)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def address(self) -> tuple[str, int]:
        return LOOPBACK, self.port

    def start(self) -> Self:
        """Bind 127.0.0.1 port 0, listen, and serve on a thread."""
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(self.backlog)
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        """Wake every thread, join them, close every socket (idempotent)."""
        if not self._stop.set():
            return
        with self._lock:
            threads, connections = list(self._threads), list(self._connections)
        for conn in connections:  # a thread blocked in a send wakes up too
            quietly_shutdown(conn)
        for thread in threads:
            thread.join(self.timeout + 1.0)
        self._listener.close()
        self._stop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @abc.abstractmethod
    def serve(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        """Serve one accepted connection, on its own thread; ``conn`` has the server's timeout."""

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            if not self._stop.readable(self._listener, self.timeout):
                continue
            try:
                conn, peer = self._listener.accept()
            except OSError:
                continue
            conn.settimeout(self.timeout)
            with self._lock:
                self._connections.add(conn)
            self._spawn(self._serve_one, conn, (peer[0], peer[1]))

    def _serve_one(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        try:
            self.serve(conn, peer)
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

"""How the threads of a kit server or relay are told to stop, even while they wait.

A thread blocked in ``select`` or ``recv`` sees no flag, so a stop also
writes to a socket pair that every wait watches, and shuts down the sockets
a thread may be reading.  Nothing then waits longer than its own timeout.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading

__all__ = ["Wakeup", "quietly_shutdown"]


def quietly_shutdown(sock: socket.socket, how: int = socket.SHUT_RDWR) -> None:
    """Shut ``sock`` down, waking a thread blocked on it; a socket already gone is fine."""
    with contextlib.suppress(OSError):
        sock.shutdown(how)


class Wakeup:
    """A stop flag that also wakes every thread waiting in a select on :attr:`socket`."""

    def __init__(self) -> None:
        self.socket, self._writer = socket.socketpair()
        self._flag = threading.Event()

    def is_set(self) -> bool:
        return self._flag.is_set()

    def set(self) -> bool:
        """Raise the flag and wake the waiters; False if it was raised already."""
        if self._flag.is_set():
            return False
        self._flag.set()
        with contextlib.suppress(OSError):
            self._writer.send(b"x")
        return True

    def wait(self, timeout: float) -> bool:
        """Sleep ``timeout`` seconds unless the flag rises first; whether it did."""
        return self._flag.wait(timeout)

    def readable(self, sock: socket.socket, timeout: float) -> bool:
        """Wait up to ``timeout`` until ``sock`` is readable; False on timeout or once the flag is raised."""
        if self._flag.is_set():
            return False
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ)
            sel.register(self.socket, selectors.EVENT_READ)
            ready = {key.fileobj for key, _ in sel.select(timeout)}
        return sock in ready and not self._flag.is_set()

    def close(self) -> None:
        self.socket.close()
        self._writer.close()

"""What the kit's relays (and its SNTP server) share: a loopback address, one worker thread, a stop that returns.

Nothing waits forever: every socket has a timeout, the worker's select also
watches a wake-up socket that ``stop`` writes to, and ``stop`` closes every
socket and joins every thread (use a relay as a context manager).
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from typing import Self

from sockspec.servers.wakeup import Wakeup

__all__ = ["Relay"]


class Relay(abc.ABC):
    """What the relays and the SNTP server share: a loopback address, one worker thread, and a
    :class:`Wakeup` so that :meth:`stop` interrupts the worker's select."""

    _address: tuple[str, int]

    def __init__(self, worker: Callable[[], None], name: str) -> None:
        self._stop = Wakeup()
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
        if not self._stop.set():
            return False
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

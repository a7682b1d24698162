"""Reading a child's output pipe on a thread, into a bounded buffer."""

from __future__ import annotations

import os
import re
import threading
import time
from typing import IO

__all__ = ["OUTPUT_CAP", "PipeReader"]

#: Most bytes kept from one stream of one child; the rest is read and dropped.
OUTPUT_CAP = 8 * 1024 * 1024

_READ_CHUNK = 256 * 1024


class PipeReader:
    """Drains ``stream`` on a daemon thread, so a chatty child never blocks on a full pipe, then closes it.

    At most ``limit`` bytes are kept: the first ones (a transcript, read from
    the start) or, with ``tail``, the last ones (an error stream, whose last
    words matter).
    """

    def __init__(self, stream: IO[bytes], *, limit: int = OUTPUT_CAP, tail: bool = False) -> None:
        self.data = bytearray()
        self.closed = False
        self.dropped = False
        self.changed = threading.Condition()
        self._limit = limit
        self._tail = tail
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[bytes]) -> None:
        with stream:  # closed at end of file: the reader owns the pipe
            fd = stream.fileno()
            while True:
                try:
                    chunk = os.read(fd, _READ_CHUNK)
                except OSError:
                    chunk = b""
                with self.changed:
                    if not chunk:
                        self.closed = True
                        self.changed.notify_all()
                        return
                    self._keep(chunk)
                    self.changed.notify_all()

    def _keep(self, chunk: bytes) -> None:
        room = self._limit - len(self.data)
        if len(chunk) > room:
            self.dropped = True
        if not self._tail:
            self.data += chunk[: max(0, room)]
            return
        self.data += chunk
        del self.data[: max(0, len(self.data) - self._limit)]

    def snapshot(self) -> bytes:
        """What was kept so far."""
        with self.changed:
            return bytes(self.data)

    def text(self, last: int | None = None) -> str:
        """What was kept (its ``last`` bytes if given) as text; ``[...]`` marks bytes dropped before it."""
        with self.changed:
            kept = self.data if last is None else self.data[-last:]
            text = bytes(kept).decode("utf-8", errors="replace")
            return f"[...]{text}" if self._tail and self.dropped else text

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float, start: int = 0) -> re.Match[bytes] | None:
        """The first match of ``pattern`` at or after ``start``; None on timeout or EOF."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                match = pattern.search(self.data, start)
                if match is not None:
                    return match
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    return None
                self.changed.wait(left)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

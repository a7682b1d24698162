"""How the kit's TCP proxy hands a server's reply to the client under test.

A client must cope with a reply that arrives one byte per segment, with a
pause in the middle, or cut short; the policy says which, and the proxy
(:mod:`sockspec.servers.tcp_proxy`) follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Delivery"]


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

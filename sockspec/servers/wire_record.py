"""What a kit relay saw on the wire: timed chunks per connection, rendered with hex dumps for a report."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CLIENT_TO_SERVER", "NOTE", "SERVER_TO_CLIENT", "SHOWN", "Event", "Record", "hexdump", "render"]

#: Bytes of one chunk shown in a transcript; the rest is counted, not shown.
SHOWN = 512

CLIENT_TO_SERVER = "client->server"
SERVER_TO_CLIENT = "server->client"
NOTE = "note"


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


class Record:
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


def render(header: str, events: Iterable[Event], *, merge: bool = True) -> str:
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

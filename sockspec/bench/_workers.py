"""The load-generator processes a run speaks to, and the bench's own error.

Each worker is ``_loadgen.py`` run by the interpreter that runs the kit,
spoken to in JSON lines over the process layer's ``LineProcess``.
"""

from __future__ import annotations

import array
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sockspec.errors import IUTError
from sockspec.process import LineProcess

__all__ = ["BenchAborted", "Worker", "start_workers"]

LOADGEN = Path(__file__).with_name("_loadgen.py")
SEND_TIMEOUT = 5.0
#: Longest line the load generator may send; its messages are a few hundred bytes.
MAX_LINE = 64 * 1024


class BenchAborted(Exception):
    """A run could not be completed; the message is one line."""


class Worker:
    """One load-generator process, spoken to in JSON lines (see ``_loadgen``), always killed and reaped.

    The load generator is the kit's own program, so whatever goes wrong with
    it (it cannot start, dies, is late or garbles a line) is a
    :class:`BenchAborted`, converted here and nowhere else.
    """

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.samples_path = Path(cfg["samples_path"])
        with _aborting():
            self.process = LineProcess(
                [sys.executable, str(LOADGEN), json.dumps(cfg)], name="the load generator", max_line=MAX_LINE
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def read(self, deadline: float, what: str) -> dict[str, Any]:
        """The next message, which must come before ``deadline`` (``time.monotonic()``)."""
        with _aborting():
            line = self.process.receive(max(0.0, deadline - time.monotonic()), what)
        try:
            message: dict[str, Any] = json.loads(line)
        except ValueError:
            raise BenchAborted(f"the load generator sent {what} that is not JSON: {line[:200]!r}") from None
        return message

    def send(self, message: dict[str, Any]) -> None:
        with _aborting():
            self.process.send(json.dumps(message).encode() + b"\n", SEND_TIMEOUT, "the start message")

    def samples(self) -> array.array[int]:
        values = array.array("q")
        with contextlib.suppress(OSError), open(self.samples_path, "rb") as f:
            values.frombytes(f.read())
        return values

    def kill(self) -> None:
        self.process.kill()
        with contextlib.suppress(OSError):
            self.samples_path.unlink()


@contextlib.contextmanager
def _aborting() -> Iterator[None]:
    """A fault of the load generator as the bench's own error, with its last stderr line."""
    try:
        yield
    except IUTError as exc:
        raise BenchAborted(exc.summary()) from None


@contextlib.contextmanager
def start_workers(configs: list[dict[str, Any]]) -> Iterator[list[Worker]]:
    """One started worker per config, every one killed and reaped on the way out."""
    workers: list[Worker] = []
    try:
        for cfg in configs:
            workers.append(Worker(cfg))
        yield workers
    finally:
        for worker in workers:
            worker.kill()

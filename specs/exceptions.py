"""Exception names used in vector files, mapped to the classes a spec accepts.

The names are the fixed vocabulary of ``raises`` in the data schema, so a
runner in another language can map them to its own error kinds.
"""

from __future__ import annotations

import socket

EXCEPTIONS: dict[str, type[BaseException]] = {
    "OSError": OSError,
    "gaierror": socket.gaierror,
    "herror": socket.herror,
    "TimeoutError": TimeoutError,
    "BlockingIOError": BlockingIOError,
    "OverflowError": OverflowError,
    "ValueError": ValueError,
    "TypeError": TypeError,
}


def accepted(names: list[str]) -> tuple[type[BaseException], ...]:
    """The exception classes a vector's ``raises`` list accepts."""
    return tuple(EXCEPTIONS[name] for name in names)

"""Exception names used in vector files, mapped to the classes a spec accepts.

The names are the fixed vocabulary of ``raises`` in the data schema, so a
runner in another language can map them to its own error kinds.  They are
the harness protocol's exception names (one list, kept in the kit), plus
``BlockingIOError``: a harness sends that as ``OSError`` with errno EAGAIN,
which ``OSError``'s constructor turns back into the subclass.
"""

from __future__ import annotations

from sockspec.harness._protocol import REMOTE_EXCEPTIONS

EXCEPTIONS: dict[str, type[BaseException]] = {**REMOTE_EXCEPTIONS, "BlockingIOError": BlockingIOError}


def accepted(names: list[str]) -> tuple[type[BaseException], ...]:
    """The exception classes a vector's ``raises`` list accepts."""
    return tuple(EXCEPTIONS[name] for name in names)

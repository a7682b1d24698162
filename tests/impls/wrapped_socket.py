"""A correct socket module that wraps every socket in a class of its own.

Some socket libraries hand out their own objects rather than
``socket.socket``: this one is CPython's ``socket`` with each socket wrapped
in ``WrappedSocket``, whose class defines no socket method at all; every
method reaches the standard library's socket through ``__getattr__``.  Its
``SocketType`` is still the standard library's, so a harness that recognised
sockets by class, or looked methods up on one, could not serve it.  The API
specs must judge it exactly as they judge ``socket`` (tests/test_wrapped_provider.py).
"""

from __future__ import annotations

import socket as _std
from types import TracebackType
from typing import Any

globals().update({name: getattr(_std, name) for name in dir(_std) if not name.startswith("_")})

#: Methods whose results hold new sockets, which get wrapped in turn.
_MAKING_METHODS = frozenset({"accept", "dup"})


def _wrap(value: Any) -> Any:
    if isinstance(value, _std.socket):
        return WrappedSocket(value)
    if isinstance(value, tuple):
        return tuple(_wrap(item) for item in value)
    return value


class WrappedSocket:
    """A socket in a wrapper; methods through ``__getattr__`` only."""

    __slots__ = ("_sock",)

    def __init__(self, sock: _std.socket) -> None:
        self._sock = sock

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._sock, name)
        if name in _MAKING_METHODS:
            return lambda *args, **kwargs: _wrap(attribute(*args, **kwargs))
        return attribute

    def __enter__(self) -> WrappedSocket:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._sock.close()

    def __repr__(self) -> str:
        return f"<wrapped {self._sock!r}>"


def socket(*args: Any, **kwargs: Any) -> WrappedSocket:  # replaces the class copied above
    return WrappedSocket(_std.socket(*args, **kwargs))


def socketpair(*args: Any, **kwargs: Any) -> tuple[WrappedSocket, WrappedSocket]:
    return _wrap(_std.socketpair(*args, **kwargs))


def create_connection(*args: Any, **kwargs: Any) -> WrappedSocket:
    return WrappedSocket(_std.create_connection(*args, **kwargs))


def create_server(*args: Any, **kwargs: Any) -> WrappedSocket:
    return WrappedSocket(_std.create_server(*args, **kwargs))


def fromfd(*args: Any, **kwargs: Any) -> WrappedSocket:
    return WrappedSocket(_std.fromfd(*args, **kwargs))

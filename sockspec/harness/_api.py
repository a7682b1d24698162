"""What spec code holds: a module-like ``api`` and socket objects, both remote.

Spec code must not be able to tell this ``api`` from the ``socket`` module, so
lookups behave like attribute access on the module: constants come from the
table the harness sent at ``start``, functions and methods become remote
calls, and exception classes (``api.error``, ``api.gaierror``, ``api.herror``,
``api.timeout``) are the kit's own, because that is what error responses are
rebuilt as.  A name the harness does not offer ends the case as UNSUPPORTED
(under ``--strict``, a KIT ERROR unless the profile declares it:
``_client.Declared``).

The one thing the kit must know about a socket is how long a call on it may
legitimately block (its timeout), so it tracks ``settimeout``/``setblocking``
and lets such calls run ``call_timeout`` plus that long (``_deadlines``).
"""

from __future__ import annotations

import socket
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sockspec.harness._deadlines import blocking_allowance

if TYPE_CHECKING:
    from sockspec.harness._client import HarnessClient, Session

__all__ = ["HarnessAPI", "SocketProxy"]


class _RemoteFunction:
    """A function of the harness's module, or a method of one of its sockets."""

    __slots__ = ("_client", "_name", "_on")

    def __init__(self, client: HarnessClient, name: str, on: SocketProxy | None = None) -> None:
        self._client = client
        self._name = name
        self._on = on

    def __call__(self, *args: object, **kwargs: object) -> Any:
        return self._client.call(self._name, args, kwargs, on=self._on)

    def __repr__(self) -> str:
        owner = "module" if self._on is None else repr(self._on)
        return f"<harness function {self._name} of {owner}>"


class HarnessAPI:
    """The socket module of an implementation reached through a harness."""

    error = OSError
    gaierror = socket.gaierror
    herror = socket.herror
    timeout = socket.timeout

    def __init__(self, client: HarnessClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        session = self._client.session()
        if name in session.constants:
            return session.constants[name]
        session.require(name)
        return _RemoteFunction(self._client, name)

    def setdefaulttimeout(self, timeout: float | None) -> Any:
        """Set the harness's default timeout, and remember it for sockets made later."""
        result = self._client.call("setdefaulttimeout", (timeout,))
        self._client.session().default_allowance = blocking_allowance(timeout)
        return result

    def __dir__(self) -> list[str]:
        session = self._client.session()
        names = {*session.constants, *(c for c in session.capabilities if "." not in c)}
        return sorted(names | {"error", "gaierror", "herror", "timeout"})

    def __repr__(self) -> str:
        return f"<socket API of harness {self._client.argv!r}>"


class SocketProxy:
    """A socket object that lives in the harness process, named by its handle.

    It is valid only while the process that made it lives: after a restart
    every call on it raises ``IUTError``, except ``close``, which has nothing
    left to do.
    """

    def __init__(self, client: HarnessClient, session: Session, handle: int) -> None:
        self._client = client
        self._session = session
        self._handle = handle
        self._allowance = session.default_allowance

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self._session.require(f"socket.{name}")
        return _RemoteFunction(self._client, name, self)

    def settimeout(self, value: float | None) -> Any:
        result = self._client.call("settimeout", (value,), on=self)
        self._allowance = blocking_allowance(value)
        return result

    def setblocking(self, flag: bool) -> Any:
        result = self._client.call("setblocking", (flag,), on=self)
        self._allowance = 0.0  # blocking or not, no timeout is left to wait out
        return result

    def close(self) -> Any:
        return self._client.call("close", on=self) if self._client.is_current(self._session) else None

    def __enter__(self) -> SocketProxy:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        gone = "" if self._client.is_current(self._session) else ", gone with its harness process"
        return f"<harness socket #{self._handle}{gone}>"

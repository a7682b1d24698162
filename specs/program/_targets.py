"""Server recipes under test that run elsewhere (``--target``): reached at their address, never started.

A targeted server stands in for :class:`specs.program._servers.ServerUnderTest`
in the server specs: ``address()`` is where the specs' peers send, ``alive()``
asks the server itself (a TCP connection, or a reply to one SNTP request),
and ``stop()`` leaves it running, since the kit did not start it.  A case
that needs the process (its options, its output, signals, a restart) calls
:func:`require_control` and is N/A for a targeted server; one that asks for
the process anyway (``get()``) is N/A too, rather than an error.
"""

from __future__ import annotations

from typing import NoReturn

from sockspec.errors import KitUsageError
from sockspec.outcomes import not_applicable
from sockspec.targets import Target, beyond_control, reach
from specs.program._servers import ServerUnderTest


class TargetServer:
    """A server under test at the address ``--target`` gave."""

    def __init__(self, target: Target, timeout: float) -> None:
        self.target = target
        self.timeout = timeout

    def address(self) -> tuple[str, int]:
        return self.target.address

    def get(self) -> NoReturn:
        """N/A: a case that asks for the process (its output, CPU time, signals) cannot have it here."""
        not_applicable(beyond_control("reach its process (what it prints, its CPU time, signals, a restart)"))

    def alive(self) -> bool:
        """Whether the server still answers at its address."""
        try:
            reach(self.target, self.timeout)
        except KitUsageError:
            return False
        return True

    def describe(self) -> str:
        return (
            f"{self.target.recipe} at {self.target.endpoint}, running elsewhere (--target {self.target}): "
            "the kit did not start it and cannot see its output"
        )

    def stop(self) -> None:
        """Nothing to stop: the server belongs to whoever started it."""


class TargetSntpServers:
    """``--target sntp-server=…`` for the specs that ask for an SNTP server per clock offset."""

    def __init__(self, target: Target, timeout: float) -> None:
        self._server = TargetServer(target, timeout)

    def get(self, offset: float = 0) -> TargetServer:
        """The targeted server for offset 0; N/A for another offset, which is an option the kit cannot pass."""
        if offset:
            not_applicable(beyond_control("pass it options (--offset)"))
        return self._server

    def stop(self) -> None:
        self._server.stop()


def require_control(server: ServerUnderTest | TargetServer, what: str) -> None:
    """N/A if ``server`` runs elsewhere and the case needs to ``what`` (e.g. "read the line it prints")."""
    if isinstance(server, TargetServer):
        not_applicable(beyond_control(what))

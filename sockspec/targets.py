"""Servers under test that the kit did not start: ``--target RECIPE=HOST:PORT``.

Like h2spec or Autobahn's client, the kit can judge a server that runs
elsewhere (in a container, on another host, on a device): the server specs
talk to HOST:PORT instead of starting the recipe, and the cases that need the
process itself (its options, its output, signals, a restart) are N/A.

HOST must be an IP address.  Looking a name up would send a query to a
resolver the user did not name, and the kit sends traffic only to loopback
and to the addresses the user names (docs/architecture.md, "Hermetic by
construction").  Before any case runs, the kit checks once that something
answers there, so a wrong address is one line and exit 4, not a page of FAILs.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sockspec.errors import KitUsageError
from sockspec.implementation import RECIPES, Implementation
from sockspec.sntp_wire import request, unix_to_ntp

__all__ = ["TARGETABLE", "Target", "beyond_control", "parse", "parse_all", "reach", "scope"]

#: The server recipes the kit can judge where they already run.
TARGETABLE = ("echo-server", "sntp-server")

#: Longest run name made from targets: it names the report files.
_NAME_CAP = 64


@dataclass(frozen=True)
class Target:
    """One server under test that runs elsewhere: its recipe and the address it serves on."""

    recipe: str
    host: str
    port: int

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    @property
    def family(self) -> socket.AddressFamily:
        return socket.AF_INET6 if ":" in self.host else socket.AF_INET

    @property
    def endpoint(self) -> str:
        """``HOST:PORT``, an IPv6 host in brackets."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def run_name(self) -> str:
        """The run's name part for this target, safe in a file name: ``target-10.0.0.2-7000``, ``target-__1-7000``."""
        return f"target-{self.host.replace(':', '_')}-{self.port}"

    def __str__(self) -> str:
        return f"{self.recipe}={self.endpoint}"


def beyond_control(what: str) -> str:
    """The N/A reason of a case that needs the process of a targeted server, e.g. ``send it signals``."""
    return f"the server runs elsewhere (--target): the kit cannot {what}"


def parse(text: str) -> Target:
    """``RECIPE=HOST:PORT`` (``[V6]:PORT`` for IPv6) as a :class:`Target`; a one-line usage error if not."""
    recipe, equals, endpoint = text.partition("=")
    if not equals:
        raise KitUsageError(f"--target {text!r}: expected RECIPE=HOST:PORT, e.g. echo-server=192.0.2.7:7000")
    if recipe not in TARGETABLE:
        raise KitUsageError(
            f"--target {text!r}: {recipe!r} is not a server recipe the kit can reach elsewhere; "
            f"one of {', '.join(TARGETABLE)}"
        )
    bracketed = re.fullmatch(r"\[([^\]]*)\]:(\d+)", endpoint)
    host, _, port = (bracketed.group(1), ":", bracketed.group(2)) if bracketed else endpoint.rpartition(":")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise KitUsageError(
            f"--target {text!r}: {host!r} is not an IP address (the kit looks no name up: "
            "it sends traffic only to loopback and to the addresses you name)"
        ) from None
    if address.version == 6 and not bracketed:
        raise KitUsageError(f"--target {text!r}: write an IPv6 address in brackets, e.g. {recipe}=[{host}]:7000")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise KitUsageError(f"--target {text!r}: the port must be a number from 1 to 65535, got {port!r}")
    return Target(recipe, str(address), int(port))


def parse_all(texts: Sequence[str]) -> tuple[Target, ...]:
    """Every ``--target`` value, at most one per recipe."""
    targets = tuple(parse(text) for text in texts)
    recipes = [t.recipe for t in targets]
    for recipe in TARGETABLE:
        if recipes.count(recipe) > 1:
            raise KitUsageError(f"--target: {recipe} is given {recipes.count(recipe)} times; give it once")
    return targets


def reach(target: Target, timeout: float) -> None:
    """Check once that something answers at the target: a TCP connection, or a reply to one SNTP request."""
    if target.recipe == "sntp-server":
        _reach_sntp(target, timeout)
        return
    try:
        socket.create_connection(target.address, timeout=timeout).close()
    except OSError as exc:
        raise KitUsageError(
            f"--target {target}: cannot connect over TCP to {target.endpoint}: {_why(exc, timeout)}"
        ) from None


def _reach_sntp(target: Target, timeout: float) -> None:
    with socket.socket(target.family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(target.address)
            sock.send(request(4, unix_to_ntp(time.time())))
            sock.recv(1024)
        except OSError as exc:
            raise KitUsageError(
                f"--target {target}: no reply from {target.endpoint} to an SNTP request over UDP: {_why(exc, timeout)}"
            ) from None


def _why(exc: OSError, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"nothing within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (nothing listens on that port)"
    return exc.strerror or str(exc)


def scope(
    impl: Implementation, targets: Sequence[Target], *, profile: bool, module: bool, command: bool
) -> Implementation:
    """The implementation under test once ``targets`` are given.

    The targeted recipes are judged at their addresses.  The rest is judged
    as usual only where the user named it: the API surface with a profile or
    ``--impl-module``, the other recipes with a profile or ``--impl-cmd``;
    otherwise it is UNSUPPORTED, since only the targeted server is under
    test.  Without a profile the run is named after its targets.
    """
    if not targets:
        return impl
    targeted = {f"program:{t.recipe}" for t in targets}
    lacks = set(impl.lacks) - targeted
    reasons = dict(impl.lack_reasons)
    if not (profile or module):
        lacks.add("api")
        reasons["api"] = "only the targeted server is under test (--target without --impl or --impl-module)"
    if not (profile or command):
        for recipe in RECIPES:
            if f"program:{recipe}" not in targeted:
                lacks.add(f"program:{recipe}")
                reasons[f"program:{recipe}"] = (
                    "only the targeted server is under test (--target without --impl or --impl-cmd)"
                )
    name = impl.name
    if not profile:
        parts = [impl.name] if module or command else []
        name = "+".join([*parts, *(t.run_name for t in targets)])[:_NAME_CAP].rstrip("+-.")
    return replace(
        impl,
        name=name,
        program_prefix=impl.program_prefix if profile or command else (),
        lacks=frozenset(lacks),
        lack_reasons=reasons,
        targets=tuple(targets),
        source=impl.source + " + --target" if profile or module or command else "--target",
    )

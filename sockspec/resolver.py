"""Fixtures for name lookups that must never leave the machine.

A lookup of any name that /etc/hosts lacks runs inside the resolver sandbox
(:mod:`sockspec.sandbox`), where the kit's stub DNS server, serving
``specs/data/zone.json``, is the only resolver.  So does every lookup of a
provider other than CPython's own ``socket`` (``host_lookups``), even of a
name /etc/hosts lists: its resolver may ask DNS for any name.  Where the
sandbox cannot be made, the cases that need it are N/A with the reason: the
kit never falls back to the real resolver.  ``--online`` opts into the
tutorial's own Internet examples instead (``online`` fixture).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sockspec.implementation import DEFAULT_MODULE
from sockspec.outcomes import not_applicable
from sockspec.sandbox import ResolverSandbox
from sockspec.state import run_state

__all__ = ["HOSTS_FILE", "HostLookups", "host_lookups", "online", "resolver_sandbox", "sandboxed_api"]

#: The machine's hosts file, in force wherever the sandbox is not.
HOSTS_FILE = Path("/etc/hosts")


@dataclass(frozen=True)
class HostLookups:
    """The socket API to make lookups with, and the hosts file in force where it runs."""

    api: Any
    hosts_file: Path


@pytest.fixture(scope="session")
def resolver_sandbox(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> ResolverSandbox:
    """A sandbox whose only resolver is the kit's stub; N/A where none can be made."""
    reason = ResolverSandbox.unavailable_reason()
    if reason is not None:
        not_applicable(f"needs the resolver sandbox, which cannot be created here: {reason}")
    return ResolverSandbox(zone_path(pytestconfig), tmp_path_factory.mktemp("resolver-sandbox"))


@pytest.fixture(scope="session")
def sandboxed_api(pytestconfig: pytest.Config, resolver_sandbox: ResolverSandbox) -> Iterator[Any]:
    """The socket API under test, running inside the resolver sandbox.

    An in-process module provider is served there by the reference harness
    (``python -m sockspec_reference.harness --module NAME``), with this
    process's import path, so the module imports there as it did here; a
    harness provider runs there as it is.
    """
    from sockspec.harness import Declared, HarnessClient

    state = run_state(pytestconfig)
    impl = state.implementation
    argv = list(impl.harness) or [sys.executable, "-m", "sockspec_reference.harness", "--module", impl.api_module]
    path = [str(pytestconfig.rootpath), os.environ.get("PYTHONPATH", "")]
    if not impl.harness:  # the same interpreter: whatever imported the module here imports it there
        path[1:1] = [entry or os.getcwd() for entry in sys.path]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, path))}
    client = HarnessClient(
        resolver_sandbox.wrap(argv),
        call_timeout=state.io_timeout,
        validate=state.validate_harness,
        env=env,
        kit_adapter=not impl.harness,
        declared=Declared.of(impl.lacks, impl.partial) if state.strict else None,
    )
    with client:
        yield client.api


@pytest.fixture(scope="session")
def host_lookups(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> HostLookups:
    """The IUT's API for calls that look names up, however local the name.

    CPython's own ``socket`` module, the default provider, stays in process
    (the fast path): it resolves through libc, which answers a name that
    /etc/hosts lists from that file, and the specs hand it no other name.
    Any other provider may send any name to DNS, whatever the hosts file says,
    so its lookups run in the resolver sandbox (``sandboxed_api``), judged
    against the sandbox's hosts file; N/A where the sandbox cannot be made.
    """
    impl = run_state(pytestconfig).implementation
    if not impl.api_command and impl.api_module == DEFAULT_MODULE:
        return HostLookups(request.getfixturevalue("api"), HOSTS_FILE)
    sandbox: ResolverSandbox = request.getfixturevalue("resolver_sandbox")
    return HostLookups(request.getfixturevalue("sandboxed_api"), sandbox.hosts_file)


@pytest.fixture(scope="session")
def online(pytestconfig: pytest.Config) -> bool:
    """True with ``--online``; cases that need the Internet are N/A without it."""
    if not run_state(pytestconfig).online:
        not_applicable("uses the Internet; run with --online to include it")
    return True


def zone_path(config: pytest.Config) -> Path:
    """The zone file the stub serves, for specs that read expected answers from it."""
    return run_state(config).spec_root / "data" / "zone.json"

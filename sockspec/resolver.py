"""Fixtures for name lookups that must never leave the machine.

A lookup of any name that /etc/hosts lacks runs inside the resolver sandbox
(:mod:`sockspec.sandbox`), where the kit's stub DNS server, serving
``specs/data/zone.json``, is the only resolver.  Where the sandbox cannot be
made, the cases that need it are N/A with the reason: the kit never falls
back to the real resolver.  ``--online`` opts into the tutorial's own
Internet examples instead (``online`` fixture).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sockspec.outcomes import not_applicable
from sockspec.sandbox import ResolverSandbox
from sockspec.state import run_state

__all__ = ["online", "resolver_sandbox", "sandboxed_api"]


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
    (``python -m sockspec_reference.harness --module NAME``); a harness provider runs
    there as it is.
    """
    from sockspec.harness import HarnessClient

    state = run_state(pytestconfig)
    impl = state.implementation
    argv = list(impl.harness) or [sys.executable, "-m", "sockspec_reference.harness", "--module", impl.api_module]
    root = str(pytestconfig.rootpath)
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH", "")]))}
    # a lookup may take the resolver's whole limit before the harness can answer
    timeout = state.io_timeout + resolver_sandbox.lookup_limit
    client = HarnessClient(resolver_sandbox.wrap(argv), call_timeout=timeout, validate=state.validate_harness, env=env)
    with client:
        yield client.api


@pytest.fixture(scope="session")
def online(pytestconfig: pytest.Config) -> bool:
    """True with ``--online``; cases that need the Internet are N/A without it."""
    if not run_state(pytestconfig).online:
        not_applicable("uses the Internet; run with --online to include it")
    return True


def zone_path(config: pytest.Config) -> Path:
    """The zone file the stub serves, for specs that read expected answers from it."""
    return run_state(config).spec_root / "data" / "zone.json"

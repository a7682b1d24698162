"""Fixtures for the resolver sandbox's tests.

Lookups of names outside /etc/hosts happen only inside sandboxes: on this
kind of machine the host's resolver is off the machine.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from sockspec.sandbox import ResolverSandbox

ZONE = Path(__file__).resolve().parents[2] / "specs" / "data" / "zone.json"

RunPython = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def sandbox(tmp_path: Path) -> ResolverSandbox:
    reason = ResolverSandbox.unavailable_reason()
    if reason is not None:
        pytest.skip(f"the resolver sandbox is unavailable here: {reason}")
    return ResolverSandbox(ZONE, tmp_path / "sandbox")


@pytest.fixture
def run_python(sandbox: ResolverSandbox) -> RunPython:
    """Run Python ``code`` in a fresh sandbox; ``outer`` goes in front of the whole command."""

    def run(code: str, *, outer: Sequence[str] = (), **kwargs: Any) -> subprocess.CompletedProcess[str]:
        argv = [*outer, *sandbox.wrap([sys.executable, "-c", code])]
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, **kwargs)

    return run

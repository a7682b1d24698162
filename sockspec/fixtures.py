"""Fixtures that spec code uses to reach the implementation under test.

Spec code touches the IUT's socket API only through ``api``: swapping the
provider (another module, or later a harness in another language) changes
nothing in the specs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sockspec.grading import FACTS_KEY
from sockspec.state import run_state

__all__ = ["api", "fact", "io_timeout"]


@pytest.fixture(scope="session")
def api(pytestconfig: pytest.Config) -> Any:
    """The socket API under test: an object used exactly like Python's ``socket``."""
    return run_state(pytestconfig).implementation.import_api()


@pytest.fixture
def fact(request: pytest.FixtureRequest) -> Callable[[str, Any], None]:
    """Record a fact (INFO requirements): ``fact("default SO_SNDBUF", 16384)``."""
    facts = request.node.stash.setdefault(FACTS_KEY, [])

    def record(label: str, value: Any) -> None:
        facts.append(
            {"label": label, "value": value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)}
        )

    return record


@pytest.fixture(scope="session")
def io_timeout(pytestconfig: pytest.Config) -> float:
    """The longest wait for any single action of the IUT (``--io-timeout``)."""
    return run_state(pytestconfig).io_timeout

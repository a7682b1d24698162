"""Fixtures that spec code uses to reach the implementation under test.

Spec code touches the IUT's socket API only through ``api``: swapping the
provider (another module, or later a harness in another language) changes
nothing in the specs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sockspec.outcomes import unsupported
from sockspec.programs import Programs
from sockspec.state import FACTS_KEY, run_state

__all__ = ["api", "fact", "io_timeout", "programs"]


@pytest.fixture(scope="session")
def api(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The socket API under test: an object used exactly like Python's ``socket``.

    For a harness provider the harness starts on first use and is stopped at
    the end of the session; a crash or hang restarts it for the next case.
    """
    state = run_state(pytestconfig)
    impl = state.implementation
    lacked = frozenset(lack.removeprefix("api.") for lack in impl.lacks if lack.startswith("api."))
    if not impl.api_command:
        module = impl.import_api()
        yield _Without(module, lacked) if lacked else module
        return
    from sockspec.harness import Declared, HarnessClient  # only harness providers need it

    declared = Declared.of(impl.lacks, impl.partial) if state.strict else None
    with HarnessClient(
        impl.harness, call_timeout=state.io_timeout, validate=state.validate_harness, declared=declared
    ) as client:
        yield _Without(client.api, lacked) if lacked else client.api


class _Without:
    """The API with the functions a profile declares it lacks (``api.<function>``) made UNSUPPORTED."""

    def __init__(self, api: Any, lacked: frozenset[str]) -> None:
        self._api = api
        self._lacked = lacked

    def __getattr__(self, name: str) -> Any:
        if name in self._lacked:
            unsupported(f"api.{name}")
        return getattr(self._api, name)


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


@pytest.fixture(scope="session")
def programs(pytestconfig: pytest.Config) -> Programs:
    """The IUT's recipe programs (``--impl-cmd``), run with the kit's deadlines."""
    state = run_state(pytestconfig)
    impl = state.implementation
    return Programs(impl.programs, timeout=state.io_timeout, lacks=impl.lacks)

"""Tie each collected spec case to exactly one requirement.

A spec without a requirement could fail without anyone knowing what it
means, so collection refuses it; a requirement ID that the catalogue lacks is
refused too.  ``--req`` then narrows the run by requirement ID.  The spec
cases selected and deselected are counted here, so that :mod:`sockspec.coverage`
can tell a complete run from a partial one (under xdist the workers collect,
and hand their counts to the controller).
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from sockspec.errors import KitUsageError
from sockspec.implementation import Implementation
from sockspec.outcomes import Unsupported, not_applicable, unsupported
from sockspec.requirements import Catalogue, Requirement
from sockspec.state import EXPECTATION_KEY, REQUIREMENT_KEY, run_state

__all__ = ["pytest_collection_modifyitems", "pytest_configure"]

#: Where an xdist worker leaves its counts of selected and deselected spec cases for the controller.
_WORKER_COUNTS = "sockspec_cases"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "req(id): the requirement this spec case checks (sockspec)")
    config.addinivalue_line(
        "markers", "sockspec_unsupported(capability, reason): set by the kit from the IUT's profile"
    )
    config.addinivalue_line("markers", "sockspec_absent(reason): the IUT needs what this machine lacks (N/A)")
    try:
        _check_patterns(config.getoption("req"), run_state(config).catalogue)
    except KitUsageError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_runtest_setup(item: pytest.Item) -> None:
    absent = item.get_closest_marker("sockspec_absent")
    if absent is not None:
        not_applicable(absent.args[0])
    mark = item.get_closest_marker("sockspec_unsupported")
    if mark is not None:
        capability, reason = mark.args
        if reason:  # the kit's own reason (e.g. --target alone), not a declaration of the IUT's
            raise Unsupported(msg=reason)
        unsupported(capability)


def _check_patterns(patterns: list[str], catalogue: Catalogue) -> None:
    """A ``--req`` glob that matches no requirement is a typo, not an empty selection."""
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(req.id, pattern) for req in catalogue):
            raise KitUsageError(
                f"--req {pattern!r} matches no requirement of the catalogue (IDs look like s05.htonl.value)"
            )


def pytest_deselected(items: list[pytest.Item]) -> None:
    marks = [(item, item.get_closest_marker("req")) for item in items]
    spec_cases = [(item, mark) for item, mark in marks if mark is not None and mark.args]
    if spec_cases:
        state = run_state(spec_cases[0][0].config)
        state.cases_deselected += len(spec_cases)
        state.deselected_requirements.update(str(mark.args[0]) for _, mark in spec_cases)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    run_state(session.config).cases_selected = sum(REQUIREMENT_KEY in item.stash for item in session.items)


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        state = run_state(session.config)
        workeroutput[_WORKER_COUNTS] = [
            state.cases_selected,
            state.cases_deselected,
            sorted(state.deselected_requirements),
        ]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist's controller collects nothing itself: every worker collected the same cases."""
    counts = getattr(node, "workeroutput", {}).get(_WORKER_COUNTS)
    if counts:
        state = run_state(node.config)
        state.cases_selected, state.cases_deselected, deselected = counts
        state.deselected_requirements = set(deselected)


def _is_spec(item: pytest.Item, spec_root: Path) -> bool:
    return spec_root in Path(item.fspath).parents


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    state = run_state(config)
    problems: list[str] = []
    for item in items:
        marks = list(item.iter_markers("req"))
        if not marks:
            if _is_spec(item, state.spec_root):
                problems.append(f"{item.nodeid}: spec case declares no requirement (add @pytest.mark.req(ID))")
            continue
        ids = {m.args[0] for m in marks if m.args}
        if len(ids) != 1:
            problems.append(
                f"{item.nodeid}: spec case declares {len(ids)} requirements {sorted(ids)}; exactly one is allowed"
            )
            continue
        req_id = ids.pop()
        if req_id not in state.catalogue:
            problems.append(f"{item.nodeid}: unknown requirement {req_id!r}")
            continue
        req = state.catalogue.get(req_id)
        item.stash[REQUIREMENT_KEY] = req
        _apply_declarations(item, req, state.implementation, state.absent)
        item.user_properties.extend([("requirement", req.id), ("section", str(req.section)), ("level", req.level)])
    if problems:
        raise pytest.UsageError("sockspec: invalid spec cases:\n  " + "\n  ".join(problems))

    _select(config, items, config.getoption("req"))
    audit = config.getoption("sockspec_audit")
    if audit:
        _write_audit(Path(audit), [req.id for req in state.catalogue], items)


def _apply_declarations(item: pytest.Item, req: Requirement, impl: Implementation, absent: tuple[str, ...]) -> None:
    """Mark a case N/A, UNSUPPORTED or EXPECTED-FAIL as the IUT's profile declares."""
    if absent:
        reason = f"{impl.name} needs {', '.join(absent)}, which this machine does not have (the profile's requires)"
        item.add_marker(pytest.mark.sockspec_absent(reason))
    missing = sorted(need for need in req.needs if need in impl.lacks)
    if missing:
        item.add_marker(pytest.mark.sockspec_unsupported(missing[0], impl.lack_reasons.get(missing[0], "")))
    expectation = impl.expectations.get(req.id)
    if expectation is not None:
        reason = expectation.reason + (f" ({expectation.link})" if expectation.link else "")
        item.stash[EXPECTATION_KEY] = reason


def _select(config: pytest.Config, items: list[pytest.Item], patterns: list[str]) -> None:
    """Keep only the cases whose requirement ID matches one of ``patterns``."""
    if not patterns:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        req = item.stash.get(REQUIREMENT_KEY, None)
        chosen = req is not None and any(fnmatch.fnmatchcase(req.id, p) for p in patterns)
        (keep if chosen else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep


def _write_audit(path: Path, req_ids: list[str], items: list[pytest.Item]) -> None:
    """Write requirement ID -> collected test IDs, for the kit's coverage checks."""
    mapping: dict[str, list[str]] = {req_id: [] for req_id in req_ids}
    for item in items:
        found = item.stash.get(REQUIREMENT_KEY, None)
        if found is not None:
            mapping[found.id].append(item.nodeid)
    path.write_text(json.dumps(mapping, indent=1, sort_keys=True), encoding="utf-8")

"""The per-run state every part of the plugin reads, kept in ``config.stash``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sockspec.coverage import Coverage
from sockspec.implementation import Implementation
from sockspec.requirements import Catalogue, Requirement
from sockspec.verdicts import Verdict

__all__ = ["EXPECTATION_KEY", "FACTS_KEY", "REQUIREMENT_KEY", "STATE_KEY", "CaseResult", "RunState", "run_state"]


@dataclass
class CaseResult:
    """The graded result of one spec case, as the reports show it."""

    nodeid: str
    requirement: Requirement
    verdict: Verdict
    duration: float
    message: str = ""
    checks: list[dict[str, str]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    transcripts: list[dict[str, str]] = field(default_factory=list)


@dataclass
class RunState:
    """What the plugin knows about this run."""

    implementation: Implementation
    catalogue: Catalogue
    spec_root: Path
    strict: bool
    io_timeout: float
    online: bool
    validate_harness: bool = False
    #: What the profile ``requires`` that this machine lacks; every case is then N/A.
    absent: tuple[str, ...] = ()
    results: list[CaseResult] = field(default_factory=list)
    #: Expected-to-fail requirements that passed every case (set at session end).
    stale_expectations: list[str] = field(default_factory=list)
    #: Spec cases selected to run, and spec cases deselected (``-k``, ``--req``, ...), counted at collection.
    cases_selected: int = 0
    cases_deselected: int = 0
    #: Requirements with at least one deselected case: whether their expectations hold is not known.
    deselected_requirements: set[str] = field(default_factory=set)
    #: What the run covered (set at session end, before any report is written).
    coverage: Coverage | None = None
    #: Cases the kit could not judge (``KitError``): node ID and the reason.
    kit_errors: list[tuple[str, str]] = field(default_factory=list)


STATE_KEY = pytest.StashKey[RunState]()
REQUIREMENT_KEY = pytest.StashKey[Requirement]()
#: Facts an INFO case recorded through the ``fact`` fixture.
FACTS_KEY = pytest.StashKey[list[dict[str, Any]]]()
#: Reason text of the profile's expectation entry that applies to the case.
EXPECTATION_KEY = pytest.StashKey[str]()


def run_state(config: pytest.Config) -> RunState:
    """The run state stored by :mod:`sockspec.plugin` at configure time."""
    return config.stash[STATE_KEY]

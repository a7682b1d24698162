"""What a run covered, and therefore what it may claim.

A run that skipped part of the catalogue (``-k``, ``--req``, paths, ``-x``,
Ctrl-C) has not shown that an implementation conforms, only that nothing it
ran failed.  This module is the one place that decides whether a run was
complete and which sentence it may end on; the terminal summary, the JSON
and HTML reports and the compare matrix all read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sockspec.verdicts import Verdict

if TYPE_CHECKING:
    from sockspec.state import CaseResult

__all__ = ["Coverage", "Standing", "narrowing", "standing"]


@dataclass(frozen=True)
class Coverage:
    """How much of the catalogue one run judged."""

    requirements: int
    requirements_run: int
    cases_selected: int
    cases_graded: int
    cases_deselected: int = 0
    #: The options and paths that narrowed the run, as typed (``-k htonl``, ``--req s03.*``).
    selection: tuple[str, ...] = ()
    #: Why some selected cases got no verdict ("interrupted", "stopping after 1 failures", ...).
    stopped: str = ""

    @property
    def complete(self) -> bool:
        """Every requirement of the catalogue ran, with every one of its cases graded."""
        return (
            self.requirements_run == self.requirements
            and not self.cases_deselected
            and self.cases_graded >= self.cases_selected
            and not self.stopped
            and not any("::" in s for s in self.selection)  # a single case picked by its node ID
        )

    @property
    def why_partial(self) -> str:
        """The selection and the early stop, in a few words; empty for a complete run."""
        if self.complete:
            return ""
        parts = list(self.selection)
        if self.stopped:
            parts.append(f"{self.stopped}: {self.cases_graded} of {self.cases_selected} cases graded")
        return "; ".join(parts) or "not every requirement has a case here"

    def as_dict(self) -> dict[str, Any]:
        """The coverage as the JSON report stores it."""
        return {
            "complete": self.complete,
            "requirements": self.requirements,
            "requirements_run": self.requirements_run,
            "cases_selected": self.cases_selected,
            "cases_graded": self.cases_graded,
            "cases_deselected": self.cases_deselected,
            "selection": list(self.selection),
            "stopped": self.stopped,
        }


def narrowing(config: pytest.Config, spec_root: Path, deselected: int) -> tuple[str, ...]:
    """The command-line selections that left spec cases out, as the user typed them.

    Options are named only when some spec case was deselected, and ``-k`` and
    ``-m`` only when typed (``-m "not abuse"`` comes from pytest.ini's addopts).
    """
    found: list[str] = []
    typed = config.invocation_params.args
    if deselected:
        for flag, value in (("-k", config.option.keyword), ("-m", config.option.markexpr)):
            if value and any(arg.startswith(flag) for arg in typed):
                found.append(f"{flag} {value}")
        found += [f"--req {pattern}" for pattern in config.getoption("req")]
        found += [f"--deselect {node}" for node in config.getoption("deselect") or []]
        if config.getoption("lf", False):
            found.append("--lf")
    for arg in config.args:
        if spec_root in Path(config.invocation_params.dir, arg.split("::", 1)[0]).resolve().parents:
            found.append(arg)
    return tuple(found)


@dataclass(frozen=True)
class Standing:
    """The one sentence a run ends on, and whether it may say "conforms"."""

    conforms: bool
    #: CONFORMS, DOES NOT CONFORM, NOT FULLY JUDGED, STALE PROFILE, NOT JUDGED or PARTIAL: the headline's first words.
    word: str
    sentence: str
    #: The verdict whose colour the headline takes (PASS green, FAIL red), or ``None`` for grey.
    colour_of: Verdict | None


def standing(
    name: str, results: Sequence[CaseResult], stale: Sequence[str], coverage: Coverage, kit_errors: int = 0
) -> Standing:
    """Only a complete run with no FAIL, no KIT ERROR and no stale expectation conforms."""
    failed = sum(r.verdict == Verdict.FAIL for r in results)
    scope = f"{coverage.requirements_run} of {coverage.requirements} requirements run"
    if failed:
        partial = "" if coverage.complete else f" ({scope}, partial: {coverage.why_partial})"
        return Standing(
            False, "DOES NOT CONFORM", f"{name} does not conform: {failed} case(s) FAIL{partial}", Verdict.FAIL
        )
    if kit_errors:
        return Standing(
            False,
            "NOT FULLY JUDGED",
            f"{name} was not fully judged: {kit_errors} case(s) hit a KIT ERROR (the kit could not serve them)",
            None,
        )
    if stale:
        return Standing(
            False,
            "STALE PROFILE",
            f"{name}: no case FAILs, but {len(stale)} expectation(s) of its profile are stale, so the run fails",
            Verdict.FAIL,
        )
    if results and all(r.verdict in (Verdict.NOT_APPLICABLE, Verdict.UNSUPPORTED) for r in results):
        return Standing(False, "NOT JUDGED", f"{name} was not judged: every case is N/A or UNSUPPORTED", None)
    if not coverage.complete:
        return Standing(False, "PARTIAL", f"{name}: no FAIL among {scope} (partial: {coverage.why_partial})", None)
    gaps = sum(r.verdict == Verdict.UNSUPPORTED for r in results)
    declared = f"; its profile declares {gaps} case(s) UNSUPPORTED" if gaps else ""
    return Standing(
        True,
        "CONFORMS",
        f"{name} conforms: no case FAILs, all {coverage.requirements} requirements run{declared}",
        Verdict.PASS,
    )

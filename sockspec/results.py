"""Collect graded cases from reports and summarise them per section.

The collector is registered as a plugin object at configure time (the
pytest ``junitxml`` pattern) so it sees reports wherever they are produced:
in this process, or sent back by xdist workers.  Its ``summary`` is the one
report-data structure that the terminal, HTML and JSON outputs all read.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from sockspec.coverage import Coverage, narrowing
from sockspec.state import CaseResult, RunState
from sockspec.verdicts import Verdict

__all__ = ["ResultCollector", "as_dict", "section_counts", "stale_expectations"]


class ResultCollector:
    """Turns graded test reports into :class:`CaseResult` records."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Settle the run before any report is written: its coverage and its stale expectations.

        An expectation whose requirement passed every case is stale: it fails the run so the list stays honest.
        """
        state = self.state
        state.stale_expectations = stale_expectations(state)
        if state.stale_expectations and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        state.coverage = Coverage(
            requirements=len(state.catalogue),
            requirements_run=len({r.requirement.id for r in state.results}),
            cases_selected=state.cases_selected,
            cases_graded=len(state.results),
            cases_deselected=state.cases_deselected,
            selection=narrowing(session.config, state.spec_root, state.cases_deselected),
            stopped=_stopped(session, graded=len(state.results), selected=state.cases_selected),
        )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        kit_error = getattr(report, "sockspec_kit_error", None)
        if kit_error is not None:
            self.state.kit_errors.append((report.nodeid, kit_error))
            return
        verdict = getattr(report, "sockspec_verdict", None)
        if verdict is None:
            return
        req_id = str(dict(report.user_properties).get("requirement", ""))
        self.state.results.append(
            CaseResult(
                nodeid=report.nodeid,
                requirement=self.state.catalogue.get(req_id),
                verdict=Verdict(verdict),
                duration=report.duration,
                message=getattr(report, "sockspec_message", ""),
                checks=list(getattr(report, "sockspec_checks", [])),
                facts=list(getattr(report, "sockspec_facts", [])),
                transcripts=list(getattr(report, "sockspec_transcripts", [])),
            )
        )


def _stopped(session: pytest.Session, graded: int, selected: int) -> str:
    """Why some selected spec cases have no verdict, or "" if none lacks one."""
    if graded >= selected:
        return ""
    if session.exitstatus == pytest.ExitCode.INTERRUPTED:
        return "interrupted"
    if session.shouldfail or session.shouldstop:  # -x, --maxfail: pytest's own words
        return str(session.shouldfail or session.shouldstop)
    return "kit ERRORs"


def stale_expectations(state: RunState) -> list[str]:
    """Requirements the profile expects to fail that ran, every case of them, and failed none.

    A requirement with a deselected case, or a run cut short, says nothing about the cases that did not run;
    nor does a pass of an intermittent failure.
    """
    if len(state.results) < state.cases_selected:
        return []
    ran: dict[str, set[Verdict]] = {}
    for result in state.results:
        ran.setdefault(result.requirement.id, set()).add(result.verdict)
    return sorted(
        req_id
        for req_id, expectation in state.implementation.expectations.items()
        if req_id in ran
        and not expectation.intermittent
        and req_id not in state.deselected_requirements
        and Verdict.EXPECTED_FAIL not in ran[req_id]
        and any(v.met for v in ran[req_id])
    )


def section_counts(results: list[CaseResult]) -> dict[int, Counter[Verdict]]:
    """Verdict counts per tutorial section, sections in order."""
    counts: dict[int, Counter[Verdict]] = {}
    for result in sorted(results, key=lambda r: r.requirement.section):
        counts.setdefault(result.requirement.section, Counter())[result.verdict] += 1
    return counts


def as_dict(result: CaseResult) -> dict[str, Any]:
    """One case as plain data (for the JSON report)."""
    req = result.requirement
    return {
        "nodeid": result.nodeid,
        "requirement": req.id,
        "section": req.section,
        "level": req.level,
        "verdict": result.verdict,
        "duration": round(result.duration, 6),
        "message": result.message,
        "checks": result.checks,
        "facts": result.facts,
        "transcripts": result.transcripts,
    }

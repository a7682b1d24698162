"""The machine-readable report: ``reports/<impl>.json``, one record per case.

It carries the same data as the HTML report, so tools (the compare matrix,
the kit's own tests, a CI summary) never scrape HTML.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from sockspec.coverage import standing
from sockspec.destinations import Destinations
from sockspec.environment import environment
from sockspec.results import as_dict, section_counts
from sockspec.state import RunState

__all__ = ["REPORT_FORMAT", "JsonReport"]

#: Bumped whenever a consumer would have to change how it reads the file.  Format 2 added
#: ``coverage`` and ``standing``, and ``conforms`` became false for partial runs.
REPORT_FORMAT = 2


class JsonReport:
    """Writes the JSON report when the session ends."""

    def __init__(self, state: RunState, destinations: Destinations) -> None:
        self.state = state
        self.destinations = destinations
        self.started = time.time()

    def data(self, exitstatus: int) -> dict[str, Any]:
        """The whole report as plain data (once the run is settled: its coverage is known)."""
        state = self.state
        assert state.coverage is not None, "the report is written after sockspec.results settled the run"
        counts = section_counts(state.results)
        verdict = standing(
            state.implementation.name, state.results, state.stale_expectations, state.coverage, len(state.kit_errors)
        )
        return {
            "format": REPORT_FORMAT,
            "implementation": state.implementation.name,
            "environment": environment(state.implementation),
            "strict": state.strict,
            "started": self.started,
            "duration": round(time.time() - self.started, 3),
            "exitstatus": exitstatus,
            "conforms": verdict.conforms,
            "standing": verdict.sentence,
            "coverage": state.coverage.as_dict(),
            "stale_expectations": state.stale_expectations,
            "sections": {str(s): dict(c) for s, c in counts.items()},
            "requirements": {
                req.id: {
                    "section": req.section,
                    "level": req.level,
                    "surface": req.surface,
                    "statement": req.statement,
                    "cite": list(req.cite),
                    "accepts": req.accepts,
                }
                for req in state.catalogue
            },
            "cases": [as_dict(r) for r in state.results],
            "kit_errors": [{"nodeid": nodeid, "message": message} for nodeid, message in state.kit_errors],
        }

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        path = self.destinations.json_written
        if path is None:  # e.g. only the kit's own tests ran: keep the last real report
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        status = int(session.exitstatus)  # may differ from ``exitstatus``: stale expectations fail the run
        tmp.write_text(json.dumps(self.data(status), indent=1, default=str), encoding="utf-8")
        tmp.replace(path)

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.destinations.json_written is not None:
            terminalreporter.write_sep("-", f"sockspec JSON report: {self.destinations.json_written}")

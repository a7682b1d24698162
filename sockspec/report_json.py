"""The machine-readable report: ``reports/<impl>.json``, one record per case.

It carries the same data as the HTML report, so tools (the compare matrix,
the kit's own tests, a CI summary) never scrape HTML.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from sockspec.environment import environment
from sockspec.results import as_dict, section_counts
from sockspec.state import RunState
from sockspec.verdicts import Verdict

__all__ = ["REPORT_FORMAT", "JsonReport"]

#: Bumped whenever a consumer would have to change how it reads the file.
REPORT_FORMAT = 1


class JsonReport:
    """Writes the JSON report when the session ends."""

    def __init__(self, state: RunState, path: Path) -> None:
        self.state = state
        self.path = path
        self.started = time.time()

    def data(self, exitstatus: int) -> dict[str, Any]:
        """The whole report as plain data."""
        state = self.state
        counts = section_counts(state.results)
        return {
            "format": REPORT_FORMAT,
            "implementation": state.implementation.name,
            "environment": environment(state.implementation),
            "strict": state.strict,
            "started": self.started,
            "duration": round(time.time() - self.started, 3),
            "exitstatus": exitstatus,
            "conforms": not state.kit_errors and not any(r.verdict == Verdict.FAIL for r in state.results),
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
        if not self.state.results and not self.state.kit_errors:  # e.g. only the kit's own tests ran
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        status = int(session.exitstatus)  # may differ from ``exitstatus``: stale expectations fail the run
        tmp.write_text(json.dumps(self.data(status), indent=1, default=str), encoding="utf-8")
        tmp.replace(self.path)

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.state.results or self.state.kit_errors:
            terminalreporter.write_sep("-", f"sockspec JSON report: {self.path}")
        else:
            terminalreporter.write_line(f"sockspec: no spec case ran, so {self.path} was left as it was")

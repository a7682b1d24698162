"""Where a run's reports go, decided when the run ends.

``reports/<impl>.html`` and ``.json`` are what users keep and compare, so a
run may write them only if it earned it: a run in which no spec case got a
verdict writes no report at all, and a partial run (:mod:`sockspec.coverage`)
writes ``reports/<impl>.partial.html`` and ``.json`` instead, unless the user
chose the place (``--report-dir``, ``--json-report``, ``--html``).

pytest-html fixes its file name when the run is configured; the partial name
is known only at the end, so the one pytest-html internal used here (its
report object's ``_report_path``, read when the file is written) is set in
:func:`_retarget_html`, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sockspec.state import RunState

__all__ = ["Destinations"]


def _partial(path: Path) -> Path:
    return path.with_name(f"{path.stem}.partial{path.suffix}")


def _html_report(config: pytest.Config) -> Any:
    """pytest-html's report object (registered without a name), or ``None``."""
    from pytest_html.basereport import BaseReport

    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, BaseReport)), None)


def _retarget_html(config: pytest.Config, path: Path) -> None:
    report = _html_report(config)
    if report is not None:
        report._report_path = path.resolve()


@dataclass(eq=False)  # a plugin object: pluggy keeps plugins in sets
class Destinations:
    """The report paths of this run: the defaults, then what the run's end made of them."""

    state: RunState
    json: Path
    html: Path | None
    #: The user named the place (``--report-dir``, ``--json-report``, ``--html``): write there, partial or not.
    json_chosen: bool
    html_chosen: bool
    #: Set at session end: the JSON report's path as written, or ``None`` when no report is written.
    json_written: Path | None = None

    @property
    def no_report_reason(self) -> str:
        """Why this run writes no report, or "" if it writes one."""
        if self.state.results:
            return ""
        if not self.state.cases_selected:
            return "no spec case was selected"
        return "no spec case got a verdict"

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """With no graded case, unplug pytest-html before the session ends, so it writes nothing."""
        try:
            return (yield)
        finally:
            if self.no_report_reason and self.html is not None:
                report = _html_report(session.config)
                if report is not None:
                    session.config.pluginmanager.unregister(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Between :mod:`sockspec.results` (tryfirst, which settles the coverage) and the writers (trylast)."""
        if self.no_report_reason:
            return
        coverage = self.state.coverage
        partial = coverage is not None and not coverage.complete
        self.json_written = _partial(self.json) if partial and not self.json_chosen else self.json
        if self.html is not None and partial and not self.html_chosen:
            _retarget_html(session.config, _partial(self.html))

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        reason, written = self.no_report_reason, self.json_written
        if reason:
            terminalreporter.write_line(f"sockspec: {reason}, so no report was written (the last ones stay)")
        elif written is not None and written != self.json:
            terminalreporter.write_line(
                f"sockspec: a partial run writes {written.name}, not {self.json.name}, which is kept for "
                "complete runs (--report-dir DIR writes a partial run's reports to DIR)"
            )

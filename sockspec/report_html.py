"""pytest-html hooks: the conformance report in the kit's own vocabulary.

Registered only when pytest-html is active (``-p no:html`` turns both off).
Everything goes through pytest-html's hooks and data model: the first screen
(:mod:`sockspec.html_summary`) and the kit's CSS and filter script are the
summary's prefix; rows carry the verdict, requirement, section and level;
each row's detail is :mod:`sockspec.html_case`.  pytest's result column,
filter boxes and run count, which know only passed/failed/skipped, are
hidden, so one page never counts two ways.  Rows are spec cases only: the
kit's own tests (README's command 2 runs them in the same session) are left
out, and out of every count.
"""

from __future__ import annotations

import time
from collections import Counter
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from sockspec.coverage import standing
from sockspec.environment import environment
from sockspec.html_case import case_detail
from sockspec.html_summary import ERROR, filter_bar, filter_css, gaps, headline, section_table, verdict_cell
from sockspec.state import RunState
from sockspec.verdicts import Verdict

__all__ = ["HtmlReportHooks"]


def _asset(name: str) -> str:
    return resources.files("sockspec").joinpath("report_assets", name).read_text(encoding="utf-8")


def _header(kind: str, title: str) -> str:
    return f'<th class="sortable" data-column-type="{kind}">{title}</th>'


class HtmlReportHooks:
    """Hook implementations for pytest-html, bound to this run's state."""

    def __init__(self, state: RunState, rootpath: Path, performance: dict[str, Any] | None = None) -> None:
        self.state = state
        self.rootpath = rootpath
        #: A ``bench --json`` result to show after the verdict table (``--bench-json``).
        self.performance = performance
        #: Rows in the table by verdict (ERROR for a spec case the kit failed to grade).
        self.rows: Counter[str] = Counter()
        self.started = time.time()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from pytest_metadata.plugin import metadata_key

        metadata = session.config.stash[metadata_key]
        metadata.clear()
        metadata.update(environment(self.state.implementation))

    def pytest_html_report_title(self, report: Any) -> None:
        report.title = f"sockspec conformance report: {self.state.implementation.name}"
        # pytest-html's data model: worst verdict first; FAILs and kit errors open, everything else closed.
        report.set_data("initialSort", "verdict")
        report.set_data("renderCollapsed", ["passed", "skipped", "xfailed", "xpassed", "rerun"])

    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        state = self.state
        assert state.coverage is not None, "the summary is written after sockspec.results settled the run"
        run = standing(
            state.implementation.name, state.results, state.stale_expectations, state.coverage, len(state.kit_errors)
        )
        parts = [
            f"<style>{_asset('report.css')}{filter_css()}</style>",
            headline(run, state.coverage),
            f"<div class='sockspec-overview'>{section_table(state.results)}{gaps(state.results)}</div>",
        ]
        if self.performance is not None:  # before the filters, which belong next to the table they filter
            from sockspec.bench import render_section

            parts.append(render_section(self.performance))
        parts.append(filter_bar(self.rows, time.time() - self.started))
        parts.append(f"<script>{_asset('report.js')}</script>")
        prefix.append("".join(parts))

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        result, test, duration = cells[0], cells[1], cells[2]  # pytest-html's Result, Test, Duration; no Links
        cells[:] = [
            result,
            _header("verdict", "Verdict"),
            _header("requirement", "Requirement"),
            _header("section", "§"),
            _header("level", "Level"),
            test,
            duration,
        ]

    def _belongs(self, report: pytest.TestReport) -> bool:
        """Spec cases, and files under the spec root that failed to collect; never the kit's own tests.

        Of a case's phases, only those pytest-html shows as rows: the call, and a setup or teardown that did not pass.
        """
        if report.when in ("setup", "teardown") and report.passed:
            return False
        if "requirement" in dict(getattr(report, "user_properties", ())):
            return True
        path = Path(self.rootpath, report.fspath).resolve()
        return report.when == "collect" and self.state.spec_root in (path, *path.parents)

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        if not self._belongs(report):
            cells.clear()  # pytest-html then leaves the row out, and out of its counts
            return
        props = dict(getattr(report, "user_properties", ()))  # collection errors have none
        verdict = getattr(report, "sockspec_verdict", "") or ERROR
        self.rows[verdict] += 1
        test_id = escape(report.nodeid + ("" if report.when in ("call", "collect") else f"::{report.when}"))
        cells[:] = [
            cells[0],  # pytest's outcome, hidden: pytest-html files, sorts and folds rows by it
            verdict_cell(verdict),
            f'<td class="col-requirement">{escape(str(props.get("requirement", "")))}</td>',
            f'<td class="col-section">{escape(str(props.get("section", "")))}</td>',
            f'<td class="col-level">{escape(str(props.get("level", "")))}</td>',
            f'<td class="col-testId" title="{test_id}">{test_id}</td>',
            cells[2],
        ]

    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        verdict = getattr(report, "sockspec_verdict", None)
        req_id = dict(getattr(report, "user_properties", ())).get("requirement")
        if verdict is None or req_id is None:  # a kit error: pytest's log is what explains it
            data.insert(0, "<div class='sockspec-trace'>The kit failed here, so this case has no verdict:</div>")
            return
        data[:] = [case_detail(self.state.catalogue.get(str(req_id)), Verdict(verdict), report)]

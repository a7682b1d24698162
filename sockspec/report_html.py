"""pytest-html hooks: requirement columns, a per-section summary, the IUT's name.

Registered only when pytest-html is active (``-p no:html`` turns both off).
"""

from __future__ import annotations

from html import escape
from typing import Any

import pytest

from sockspec.citations import citation_label, citation_url
from sockspec.environment import environment
from sockspec.requirements import SECTION_TITLES
from sockspec.results import section_counts
from sockspec.state import RunState
from sockspec.verdicts import Verdict

__all__ = ["HtmlReportHooks"]

_STYLE = (
    "<style>.sockspec-summary{border-collapse:collapse;margin:8px 0 16px}"
    ".sockspec-summary th,.sockspec-summary td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}"
    ".sockspec-summary td:first-child,.sockspec-summary td:nth-child(2){text-align:left}"
    ".sockspec-verdict{font-weight:bold}</style>"
)


def _verdict_html(verdict: str) -> str:
    """A verdict in its colour; anything else (a kit ERROR) in the page's."""
    colour = next((v.colour for v in Verdict if v == verdict), "inherit")
    return f'<span class="sockspec-verdict" style="color:{colour}">{escape(verdict)}</span>'


class HtmlReportHooks:
    """Hook implementations for pytest-html, bound to this run's state."""

    def __init__(self, state: RunState, performance: dict[str, Any] | None = None) -> None:
        self.state = state
        #: A ``bench --json`` result to show after the verdict table (``--bench-json``).
        self.performance = performance

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from pytest_metadata.plugin import metadata_key

        metadata = session.config.stash[metadata_key]
        metadata.clear()
        metadata.update(environment(self.state.implementation))

    def pytest_html_report_title(self, report: Any) -> None:
        report.title = f"sockspec conformance report: {self.state.implementation.name}"

    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        prefix.append(_STYLE + self.section_table())
        if self.performance is not None:
            from sockspec.bench import render_section

            postfix.append(render_section(self.performance))

    def section_table(self) -> str:
        """The per-section verdict table that opens the report."""
        verdicts = list(Verdict)
        counts = section_counts(self.state.results)
        head = "".join(f"<th>{escape(v)}</th>" for v in verdicts)
        rows = []
        for section, counter in counts.items():
            cells = "".join(f"<td>{counter.get(v, 0) or ''}</td>" for v in verdicts)
            rows.append(
                f"<tr><td>§{section}</td><td>{escape(SECTION_TITLES[section])}</td>{cells}<td>{sum(counter.values())}</td></tr>"
            )
        total = {v: sum(c.get(v, 0) for c in counts.values()) for v in verdicts}
        total_cells = "".join(f"<td><b>{total[v] or ''}</b></td>" for v in verdicts)
        conforms = total[Verdict.FAIL] == 0
        headline = (
            f"<h2>{escape(self.state.implementation.name)}: "
            f"{_verdict_html(Verdict.PASS if conforms else Verdict.FAIL)} "
            f"{'conforms' if conforms else 'does not conform'}</h2>"
        )
        return (
            f"{headline}<table class='sockspec-summary'><tr><th>§</th><th>section</th>{head}<th>cases</th></tr>"
            + "".join(rows)
            + f"<tr><td></td><td><b>all</b></td>{total_cells}<td><b>{sum(total.values())}</b></td></tr></table>"
        )

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[1:1] = [
            '<th class="sortable" data-column-type="verdict">Verdict</th>',
            '<th class="sortable" data-column-type="requirement">Requirement</th>',
            '<th class="sortable" data-column-type="section">Section</th>',
            '<th class="sortable" data-column-type="level">Level</th>',
        ]

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        props = dict(getattr(report, "user_properties", ()))  # collection errors have none
        verdict = getattr(report, "sockspec_verdict", "") or ("ERROR" if report.failed else "")
        cells[1:1] = [
            f'<td class="col-verdict">{_verdict_html(verdict) if verdict else ""}</td>',
            f'<td class="col-requirement">{escape(str(props.get("requirement", "")))}</td>',
            f'<td class="col-section">{escape(str(props.get("section", "")))}</td>',
            f'<td class="col-level">{escape(str(props.get("level", "")))}</td>',
        ]

    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        req_id = dict(getattr(report, "user_properties", ())).get("requirement")
        if req_id is None:
            return
        req = self.state.catalogue.get(str(req_id))
        cites = ", ".join(
            f'<a href="{escape(citation_url(c))}">{escape(citation_label(c))}</a>'
            if citation_url(c)
            else escape(citation_label(c))
            for c in req.cite
        )
        lines = [f"<b>{escape(req.id)}</b> [{req.level}] {escape(req.statement)}<br>Source: {cites}"]
        if req.accepts:
            lines.append(f"Accepted variation: {escape(req.accepts)}")
        message = getattr(report, "sockspec_message", "")
        if message:
            lines.append(f"{escape(getattr(report, 'sockspec_verdict', ''))}: {escape(message)}")
        for check in getattr(report, "sockspec_checks", []):
            lines.append(
                f"{escape(check['check'])}: expected {escape(check['expected'])}; got {escape(check['actual'])}"
            )
        for item in getattr(report, "sockspec_facts", []):
            lines.append(f"fact: {escape(str(item['label']))} = {escape(repr(item['value']))}")
        for transcript in getattr(report, "sockspec_transcripts", []):
            lines.append(f"<b>{escape(transcript['title'])}</b><pre>{escape(transcript['text'])}</pre>")
        data.insert(0, "<div class='sockspec-case'>" + "<br>".join(lines) + "</div>\n")

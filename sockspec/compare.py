"""The comparison matrix: implementations × requirements, from JSON reports.

Each input is a ``reports/<impl>.json`` written by a spec run.  A cell shows
the worst verdict among that requirement's cases (one FAIL among twenty
passes is a FAIL), links to the cases behind it, and the column header gives
the implementation's score: requirements met among those judged (N/A,
UNSUPPORTED and requirements not run are not judged), and its coverage:
whether the run was complete, and how many requirements it ran (a score over
five requirements of a ``-k`` run is no score over the catalogue).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from sockspec.documents import validate
from sockspec.errors import KitUsageError
from sockspec.requirements import SECTION_TITLES
from sockspec.verdicts import WORST_FIRST, Verdict

__all__ = ["Matrix", "build_matrix", "load_report", "render_html", "render_markdown"]

#: (background, text) of a cell whose requirement the implementation did not run.
_NOT_RUN_COLOURS = ("#ffffff", "#8c959f")


@dataclass(frozen=True)
class Report:
    """One implementation's results, as read from its JSON report."""

    name: str
    conforms: bool
    environment: dict[str, str]
    requirements: dict[str, dict[str, Any]]
    cases: list[dict[str, Any]]
    #: Whether the run covered its whole catalogue, and (requirements run, requirements in the catalogue).
    complete: bool
    ran: tuple[int, int]

    @property
    def coverage(self) -> str:
        """ "complete" or "partial", with the requirements run."""
        run, total = self.ran
        return f"{'complete' if self.complete else 'partial'}, {run}/{total} requirements run"


def _coverage(doc: dict[str, Any]) -> tuple[bool, tuple[int, int]]:
    """A format-2 report states its coverage; for format 1, count the requirements that have a case."""
    if "coverage" in doc:
        cov = doc["coverage"]
        return cov["complete"], (cov["requirements_run"], cov["requirements"])
    run = len({c["requirement"] for c in doc["cases"]} & set(doc["requirements"]))
    return run == len(doc["requirements"]), (run, len(doc["requirements"]))


def load_report(path: Path) -> Report:
    """Read and validate one JSON report; ``KitUsageError`` names the file and the problem."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KitUsageError(f"{path}: no such report file") from None
    except (OSError, ValueError) as exc:
        raise KitUsageError(f"{path}: not a readable JSON report: {exc}") from exc
    validate(doc, "report", str(path), "not a sockspec report")
    complete, ran = _coverage(doc)
    # A format-1 report said "conforms" for partial runs too; only a complete run may.
    conforms = doc["conforms"] and complete
    return Report(doc["implementation"], conforms, doc["environment"], doc["requirements"], doc["cases"], complete, ran)


@dataclass
class Matrix:
    """Verdicts of several implementations on the union of their requirements."""

    implementations: list[Report]
    requirements: dict[str, dict[str, Any]]
    cases: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def cell(self, impl: str, req_id: str) -> Verdict | None:
        """The worst verdict of ``impl`` on ``req_id``, or ``None`` if it was not run."""
        verdicts = {c["verdict"] for c in self.cases.get((impl, req_id), [])}
        return next((v for v in WORST_FIRST if v in verdicts), None)

    def score(self, impl: str) -> tuple[int, int]:
        """(requirements met, requirements judged) for ``impl``."""
        cells = [self.cell(impl, req_id) for req_id in self.requirements]
        return sum(c is not None and c.met for c in cells), sum(c is not None and c.judged for c in cells)

    def sections(self) -> dict[int, list[str]]:
        """Requirement IDs grouped by section, both in order."""
        grouped: dict[int, list[str]] = {}
        for req_id, meta in sorted(self.requirements.items(), key=lambda kv: (kv[1]["section"], kv[0])):
            grouped.setdefault(meta["section"], []).append(req_id)
        return grouped


def build_matrix(reports: Sequence[Report]) -> Matrix:
    """Combine reports; a later report of the same implementation is refused."""
    names = [r.name for r in reports]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise KitUsageError(f"more than one report for implementation(s) {dupes}")
    requirements: dict[str, dict[str, Any]] = {}
    matrix = Matrix(list(reports), requirements)
    for report in reports:
        requirements.update(report.requirements)
        for case in report.cases:
            matrix.cases.setdefault((report.name, case["requirement"]), []).append(case)
    return matrix


def _percent(met: int, judged: int) -> str:
    return f"{100 * met / judged:.0f}%" if judged else "n/a"


def _anchor(impl: str, req_id: str) -> str:
    return "d-" + "".join(ch if ch.isalnum() else "-" for ch in f"{impl}-{req_id}")


_CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#1f2328}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:3px 8px;font-size:13px}
th{background:#f6f8fa;position:sticky;top:0}td.req{font-family:ui-monospace,monospace}
td.cell{text-align:center;font-weight:600;min-width:90px}td.cell a{color:inherit;text-decoration:none;display:block}
tr.section td{background:#eaeef2;font-weight:600}.score,.coverage{font-weight:400;font-size:12px}
.coverage.partial{color:#9a6700;font-weight:600}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:3px;font-size:12px}
details{margin:4px 0}pre{background:#f6f8fa;padding:6px;overflow-x:auto;font-size:12px}
"""


def _cell_html(verdict: Verdict | None, href: str, count: int) -> str:
    bg, fg = _NOT_RUN_COLOURS if verdict is None else (verdict.tint, verdict.colour)
    text = "not run" if verdict is None else escape(verdict)
    link = text if verdict is None else f'<a href="#{href}" title="{count} case(s)">{text}</a>'
    return f'<td class="cell" style="background:{bg};color:{fg}">{link}</td>'


def render_html(matrix: Matrix) -> str:
    """A self-contained HTML page: legend, matrix, then the cases behind each cell."""
    impls = [r.name for r in matrix.implementations]
    head = "".join(
        f"<th>{escape(r.name)}<br><span class='score'>{_percent(*matrix.score(r.name))} "
        f"({matrix.score(r.name)[0]}/{matrix.score(r.name)[1]})"
        f"{' conforms' if r.conforms else ''}</span><br>"
        f"<span class='coverage {'complete' if r.complete else 'partial'}' title='{escape(r.coverage)}'>"
        f"{'complete' if r.complete else 'partial'} {r.ran[0]}/{r.ran[1]}</span></th>"
        for r in matrix.implementations
    )
    rows: list[str] = []
    for section, req_ids in matrix.sections().items():
        rows.append(
            f"<tr class='section'><td colspan='{2 + len(impls)}'>§{section} {escape(SECTION_TITLES[section])}</td></tr>"
        )
        for req_id in req_ids:
            meta = matrix.requirements[req_id]
            cells = "".join(
                _cell_html(matrix.cell(i, req_id), _anchor(i, req_id), len(matrix.cases.get((i, req_id), [])))
                for i in impls
            )
            rows.append(
                f"<tr><td class='req' title='{escape(meta['statement'], quote=True)}'>{escape(req_id)}</td>"
                f"<td>{escape(meta['level'])}</td>{cells}</tr>"
            )
    legend = "".join(f"<span style='background:{v.tint};color:{v.colour}'>{escape(v)}</span>" for v in WORST_FIRST)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>sockspec comparison</title>"
        f"<style>{_CSS}</style></head><body><h1>sockspec comparison</h1>"
        f"<p>{len(impls)} implementations × {len(matrix.requirements)} requirements. A cell shows the worst "
        "verdict among the requirement's cases; the score counts requirements met among those judged "
        "(N/A, UNSUPPORTED and not run are not judged). Under the score: whether the run was complete "
        "(every requirement of its catalogue run) or partial, and the requirements it ran of those. Hover a "
        "requirement for its statement; click a cell for its cases.</p>"
        f"<p class='legend'>{legend}</p>"
        f"<table><tr><th>requirement</th><th>level</th>{head}</tr>{''.join(rows)}</table>"
        f"<h2>Cases</h2>{_details_html(matrix)}</body></html>"
    )


def _details_html(matrix: Matrix) -> str:
    parts: list[str] = []
    for report in matrix.implementations:
        for req_id in matrix.requirements:
            cases = matrix.cases.get((report.name, req_id))
            if not cases:
                continue
            items = []
            for case in cases:
                lines = [escape(case["message"])] if case["message"] else []
                lines += [
                    f"{escape(c['check'])}: expected {escape(c['expected'])}; got {escape(c['actual'])}"
                    for c in case["checks"]
                ]
                lines += [f"<b>{escape(t['title'])}</b><pre>{escape(t['text'])}</pre>" for t in case["transcripts"]]
                items.append(
                    f"<li>{escape(case['verdict'])} <code>{escape(case['nodeid'])}</code><br>{'<br>'.join(lines)}</li>"
                )
            statement = escape(matrix.requirements[req_id]["statement"])
            parts.append(
                f"<details id='{_anchor(report.name, req_id)}'><summary>{escape(report.name)} · "
                f"<code>{escape(req_id)}</code> · {escape(matrix.cell(report.name, req_id) or '')} — {statement}"
                f"</summary><ul>{''.join(items)}</ul></details>"
            )
    return "".join(parts)


def render_markdown(matrix: Matrix) -> str:
    """The same matrix as a Markdown table, for a CI job summary."""
    impls = [r.name for r in matrix.implementations]
    scores = [f"{_percent(*matrix.score(i))} ({matrix.score(i)[0]}/{matrix.score(i)[1]})" for i in impls]
    lines = [
        "| requirement | level | " + " | ".join(impls) + " |",
        "|---|---|" + "---|" * len(impls),
        "| **score** | | " + " | ".join(scores) + " |",
        "| **coverage** | | " + " | ".join(r.coverage for r in matrix.implementations) + " |",
    ]
    for section, req_ids in matrix.sections().items():
        lines.append(f"| **§{section} {SECTION_TITLES[section]}** | |" + " |" * len(impls))
        for req_id in req_ids:
            cells = (matrix.cell(i, req_id) or "not run" for i in impls)
            lines.append(f"| `{req_id}` | {matrix.requirements[req_id]['level']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def load_all(paths: Iterable[Path]) -> list[Report]:
    """Load every report, in the order given."""
    return [load_report(p) for p in paths]

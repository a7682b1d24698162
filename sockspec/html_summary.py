"""The first screen of the HTML report: the run's standing, its coverage, its sections, its gaps, the filters.

Every count here comes from the same graded cases as the results table
below it, so the page never disagrees with itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from sockspec.coverage import Coverage, Standing
from sockspec.requirements import SECTION_TITLES
from sockspec.results import section_counts
from sockspec.state import CaseResult
from sockspec.verdicts import WORST_FIRST, Verdict

__all__ = ["ERROR", "FILTER_ORDER", "filter_bar", "filter_css", "gaps", "headline", "section_table", "slug"]

#: A spec case that got no verdict because the kit itself failed (pytest's ERROR).
ERROR = "ERROR"
#: The filter buttons and the table's initial order: kit errors, then worst verdict first.
FILTER_ORDER: tuple[str, ...] = (ERROR, *WORST_FIRST)
#: Rows hidden until asked for: declared gaps, listed by reason above the table instead.
_HIDDEN_FIRST = (Verdict.UNSUPPORTED, Verdict.NOT_APPLICABLE)
_ERROR_COLOURS = ("#82071e", "#ffebe9")
#: A list of gaps longer than this starts folded, so the table stays on the first screen.
_OPEN_REASONS = 4


def slug(verdict: str) -> str:
    """A CSS-safe name for a verdict (N/A becomes n-a)."""
    return "".join(ch if ch.isalnum() else "-" for ch in verdict.lower())


def _colours(verdict: str) -> tuple[str, str]:
    found = next((v for v in Verdict if v == verdict), None)
    return (found.colour, found.tint) if found is not None else _ERROR_COLOURS


def verdict_cell(verdict: str) -> str:
    """A row's verdict cell, in the verdict's colour, for the filters to find by ``data-verdict``.

    The hidden rank in front makes pytest-html's text sort put the worst verdict first.
    """
    return (
        f'<td class="col-verdict" data-verdict="{escape(verdict)}" style="color:{_colours(verdict)[0]}">'
        f"<span hidden>{FILTER_ORDER.index(verdict)}</span>{escape(verdict)}</td>"
    )


def headline(standing: Standing, coverage: Coverage) -> str:
    """The verdict of the run, then what it covered."""
    tone = {Verdict.PASS: "good", Verdict.FAIL: "bad", None: "partial"}[standing.colour_of]
    if coverage.complete:
        scope = (
            f"Complete run: all {coverage.requirements} requirements of the catalogue, "
            f"{coverage.cases_graded} cases graded."
        )
    else:
        scope = (
            f"Partial run: {coverage.requirements_run} of {coverage.requirements} requirements, "
            f"{coverage.cases_graded} of {coverage.cases_selected} selected cases graded"
            + (f", {coverage.cases_deselected} deselected" if coverage.cases_deselected else "")
            + f" ({escape(coverage.why_partial)}). Only a complete run can show that an implementation conforms."
        )
    return (
        f"<div class='sockspec-standing {tone}'><span class='word'>{escape(standing.word)}</span>"
        f"{escape(standing.sentence)}</div><p class='sockspec-coverage'>{scope}</p>"
    )


def _cell(verdict: Verdict, count: int, bold: bool = False) -> str:
    if not count:
        return "<td></td>"
    weight = ";font-weight:700" if bold or verdict == Verdict.FAIL else ""
    return f"<td class='n' style='background:{verdict.tint};color:{verdict.colour}{weight}'>{count}</td>"


def section_table(results: Sequence[CaseResult]) -> str:
    """Verdict counts per tutorial section, each count in its verdict's colours."""
    counts = section_counts(list(results))
    head = "".join(f"<th style='color:{v.colour}'>{escape(v)}</th>" for v in Verdict)
    rows = [
        f"<tr><td class='name'>§{section} {escape(SECTION_TITLES[section])}</td>"
        + "".join(_cell(v, counter.get(v, 0)) for v in Verdict)
        + f"<td>{sum(counter.values())}</td></tr>"
        for section, counter in counts.items()
    ]
    total: Counter[Verdict] = Counter(r.verdict for r in results)
    rows.append(
        "<tr class='all'><td class='name'>all sections</td>"
        + "".join(_cell(v, total.get(v, 0), bold=True) for v in Verdict)
        + f"<td>{len(results)}</td></tr>"
    )
    return f"<table class='sockspec-summary'><tr><th>section</th>{head}<th>cases</th></tr>{''.join(rows)}</table>"


def gaps(results: Sequence[CaseResult]) -> str:
    """UNSUPPORTED and N/A cases grouped by reason, each reason once; a long list starts folded."""
    parts = []
    for verdict in _HIDDEN_FIRST:
        groups: dict[str, list[CaseResult]] = {}
        for r in results:
            if r.verdict == verdict:
                groups.setdefault(r.message, []).append(r)
        if not groups:
            continue
        items = "".join(
            f"<li>{escape(reason)}: {len(cases)} case{'s' if len(cases) > 1 else ''}, "
            f"{len({c.requirement.id for c in cases})} requirement(s)</li>"
            for reason, cases in sorted(groups.items(), key=lambda kv: -len(kv[1]))
        )
        total = sum(len(c) for c in groups.values())
        opened = " open" if len(groups) <= _OPEN_REASONS else ""
        parts.append(
            f"<details{opened}><summary><b style='color:{verdict.colour}'>{escape(verdict)}</b>: {total} "
            f"case{'s' if total > 1 else ''}, {len(groups)} reason{'s' if len(groups) > 1 else ''}</summary>"
            f"<ul>{items}</ul></details>"
        )
    if not parts:
        return ""
    return "<div class='sockspec-gaps'><b>Declared gaps</b>, by reason" + "".join(parts) + "</div>"


def filter_bar(counts: Counter[str], duration: float) -> str:
    """One button per verdict, with the number of rows it shows; declared gaps start hidden if anything else ran."""
    others = sum(n for v, n in counts.items() if v not in _HIDDEN_FIRST)
    buttons = []
    for verdict in FILTER_ORDER:
        colour, tint = _colours(verdict)
        pressed = "false" if verdict in _HIDDEN_FIRST and others and counts.get(verdict) else "true"
        disabled = "" if counts.get(verdict) else " disabled"
        buttons.append(
            f"<button type='button' data-slug='{slug(verdict)}' aria-pressed='{pressed}'{disabled} "
            f"style='color:{colour};background:{tint};border-color:{colour}'>"
            f"{counts.get(verdict, 0)} {escape(verdict)}</button>"
        )
    total = sum(counts.values())
    return (
        "<div class='sockspec-filters'><span>Show:</span>" + "".join(buttons)
        + f"<span class='count'>{total} case{'s' if total != 1 else ''} in {duration:.1f} s; "
        "click a row for its detail</span></div>"
    )  # fmt: skip


def filter_css() -> str:
    """Per verdict, the rule that hides its rows while its button is off."""
    return "".join(
        f"body.sockspec-hide-{slug(v)} #results-table tbody:has(td.col-verdict[data-verdict='{v}']){{display:none}}"
        for v in FILTER_ORDER
    )

"""Every output takes its verdict words, letters and colours from ``sockspec.verdicts.Verdict``."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sockspec import compare, grading, html_summary, report_html
from sockspec.requirements import LEVELS
from sockspec.verdicts import WORST_FIRST, Verdict

PACKAGE = Path(__file__).resolve().parent.parent / "sockspec"


def test_no_module_but_verdicts_spells_a_verdict() -> None:
    # "INFO" is a requirement level too, so modules may spell that one.
    words = {v.value for v in Verdict} - set(LEVELS)
    for path in PACKAGE.rglob("*.py"):
        if path.name == "verdicts.py":
            continue
        text = path.read_text(encoding="utf-8")
        spelled = sorted(w for w in words if f'"{w}"' in text or f"'{w}'" in text)
        assert not spelled, f"{path.relative_to(PACKAGE)} spells {spelled}; use sockspec.verdicts.Verdict"


def test_json_reports_store_the_enum_words() -> None:
    schema = json.loads((PACKAGE / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["cases"]["items"]["properties"]["verdict"]["enum"] == [v.value for v in Verdict]
    assert json.dumps({Verdict.NON_STRICT: [Verdict.NOT_APPLICABLE]}) == '{"NON-STRICT": ["N/A"]}'


def test_worst_first_orders_every_verdict_once() -> None:
    assert sorted(WORST_FIRST) == sorted(Verdict)


@pytest.mark.parametrize("verdict", list(Verdict))
def test_progress_letter_is_the_enums(verdict: Verdict) -> None:
    report: Any = SimpleNamespace(sockspec_verdict=verdict.value)
    assert grading.pytest_report_teststatus(report, None) == (verdict.category, verdict.letter, verdict.value)  # type: ignore[arg-type]


@pytest.mark.parametrize("verdict", list(Verdict))
def test_html_report_and_matrix_use_the_enum_colours(verdict: Verdict) -> None:
    assert f"color:{verdict.colour}" in html_summary.verdict_cell(verdict.value)
    assert f"background:{verdict.tint};color:{verdict.colour}" in compare._cell_html(verdict, "x", 1)


def test_html_modules_keep_no_colour_table_of_their_own() -> None:
    for module in (compare, report_html, html_summary):
        tables = [name for name, value in vars(module).items() if isinstance(value, dict) and set(value) & set(Verdict)]
        assert not tables, f"{module.__name__} keeps its own verdict table: {tables}"

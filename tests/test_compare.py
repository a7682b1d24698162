"""The compare command: report validation, cell verdicts, scores, outputs, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockspec.__main__ import main
from sockspec.compare import build_matrix, load_report, render_html, render_markdown

REQS = {
    "s05.a.one": {"section": 5, "level": "MUST", "surface": "api", "statement": "A is one", "cite": ["tutorial:5"]},
    "s05.a.two": {"section": 5, "level": "SHOULD", "surface": "api", "statement": "A is two", "cite": ["tutorial:5"]},
    "s11.b.three": {"section": 11, "level": "MUST", "surface": "program", "statement": "B", "cite": ["tutorial:11"]},
}


def case(req: str, verdict: str) -> dict:
    return {
        "nodeid": f"specs/x.py::test_{req}", "requirement": req, "section": int(req[1:3]), "level": "MUST",
        "verdict": verdict, "duration": 0.01, "message": "", "checks": [], "facts": [], "transcripts": [],
    }  # fmt: skip


def write(tmp_path: Path, name: str, cases: list[dict]) -> Path:
    doc = {
        "format": 1, "implementation": name, "environment": {"Python": "x"}, "strict": False,
        "conforms": all(c["verdict"] != "FAIL" for c in cases), "sections": {}, "requirements": REQS, "cases": cases,
    }  # fmt: skip
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc))
    return path


def test_cell_is_the_worst_verdict_and_score_counts_judged(tmp_path: Path) -> None:
    good = write(tmp_path, "good", [case("s05.a.one", "PASS"), case("s05.a.two", "PASS"), case("s11.b.three", "N/A")])
    bad = write(
        tmp_path, "bad", [case("s05.a.one", "PASS"), case("s05.a.one", "FAIL"), case("s05.a.two", "UNSUPPORTED")]
    )
    matrix = build_matrix([load_report(good), load_report(bad)])
    assert matrix.cell("bad", "s05.a.one") == "FAIL"
    assert matrix.cell("bad", "s11.b.three") is None
    assert matrix.score("good") == (2, 2)
    assert matrix.score("bad") == (0, 1)
    md = render_markdown(matrix)
    assert "| **score** | | 100% (2/2) | 0% (0/1) |" in md
    assert "| `s05.a.one` | MUST | PASS | FAIL |" in md
    assert "| `s11.b.three` | MUST | N/A | not run |" in md


def test_html_output_links_cells_to_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, "a", [case("s05.a.one", "FAIL")])
    out = tmp_path / "m" / "matrix.html"
    assert main(["compare", str(a), "-o", str(out)]) == 0
    html = out.read_text()
    assert 'href="#d-a-s05-a-one"' in html and "id='d-a-s05-a-one'" in html
    assert "wrote" in capsys.readouterr().out


def test_invalid_or_missing_report_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1}')
    assert main(["compare", str(broken)]) == 1
    assert capsys.readouterr().err.startswith(f"compare: {broken}: not a sockspec report: (top): ")
    assert main(["compare", str(tmp_path / "missing.json")]) == 1
    assert capsys.readouterr().err == f"compare: {tmp_path / 'missing.json'}: no such report file\n"


def test_duplicate_implementation_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, "a", [])
    assert main(["compare", str(a), str(a)]) == 1
    assert "more than one report for implementation(s) ['a']" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compare"])
    assert exc.value.code == 2
    assert "usage: sockspec compare" in capsys.readouterr().err


def test_a_real_run_writes_a_valid_report(specs_runner, tmp_path: Path) -> None:
    code, _, output = specs_runner("specs/api/test_s05_byte_order.py")
    assert code == 0, output
    report = load_report(tmp_path / "report.json")  # where specs_runner asks the run to write it
    assert report.name == "reference"
    assert not report.complete and not report.conforms  # one spec file of eleven: partial, so no claim
    assert report.coverage.startswith("partial, ") and report.coverage.endswith(" requirements run")


def test_coverage_is_shown_and_format_1_partial_runs_do_not_conform(tmp_path: Path) -> None:
    full = write(tmp_path, "full", [case("s05.a.one", "PASS"), case("s05.a.two", "PASS"), case("s11.b.three", "N/A")])
    old = write(tmp_path, "old", [case("s05.a.one", "PASS")])  # format 1, said conforms after a -k run
    partial = tmp_path / "new.json"
    doc = json.loads(write(tmp_path, "new", [case("s05.a.one", "PASS")]).read_text())
    doc.update(format=2, conforms=False, standing="new: no FAIL among 1 of 3 requirements run (partial: -k one)")
    doc["coverage"] = {
        "complete": False, "requirements": 3, "requirements_run": 1, "cases_selected": 1, "cases_graded": 1,
        "cases_deselected": 2, "selection": ["-k one"], "stopped": "",
    }  # fmt: skip
    partial.write_text(json.dumps(doc))
    reports = [load_report(p) for p in (full, old, partial)]
    assert [(r.complete, r.conforms) for r in reports] == [(True, True), (False, False), (False, False)]
    md = render_markdown(build_matrix(reports))
    assert (
        "| **coverage** | | complete, 3/3 requirements run | partial, 1/3 requirements run "
        "| partial, 1/3 requirements run |" in md
    )
    page = render_html(build_matrix(reports))
    assert "<span class='coverage partial' title='partial, 1/3 requirements run'>partial 1/3</span>" in page
    assert "<span class='coverage complete' title='complete, 3/3 requirements run'>complete 3/3</span>" in page


def test_a_format_2_report_without_coverage_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a", [])
    path.write_text(json.dumps({**json.loads(path.read_text()), "format": 2}))
    assert main(["compare", str(path)]) == 1
    assert "'coverage' is a required property" in capsys.readouterr().err

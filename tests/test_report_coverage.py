"""Reports tell the truth about what ran: partial runs, empty selections, stale expectations, JUnit, kit tests.

Each test drives pytest in a child process, as a user would, and reads the
files it leaves behind.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_plugin import CATALOGUE, PROFILE, SHOULD_BROKEN

pytest_plugins = ["pytester"]


@pytest.fixture
def kit(pytester: pytest.Pytester) -> pytest.Pytester:
    data = pytester.mkdir("specs") / "data"
    data.mkdir()
    (data / "s05_t.json").write_text(json.dumps(CATALOGUE))
    pytester.makeconftest('pytest_plugins = ["sockspec.plugin"]')
    pytester.makepyfile(**{"specs/test_x.py": SHOULD_BROKEN})
    return pytester


def run(kit: pytest.Pytester, *args: str) -> pytest.RunResult:
    return kit.runpytest_subprocess("-p", "no:cacheprovider", *args)


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def written(kit: pytest.Pytester) -> list[str]:
    """The report files in the default report directory (pytest-html creates the directory itself)."""
    return sorted(p.name for p in (kit.path / "reports").glob("*"))


def rows(page: str) -> dict[str, list[dict]]:
    """The rows of an HTML report, as pytest-html's script reads them: test ID -> rows."""
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob is not None
    return json.loads(html.unescape(blob.group(1)))["tests"]


def test_a_k_run_is_partial_and_leaves_the_complete_reports_alone(kit: pytest.Pytester) -> None:
    assert run(kit, "specs").ret == 0
    reports = kit.path / "reports"
    complete_json, complete_html = (reports / "reference.json").read_text(), (reports / "reference.html").read_text()
    assert json.loads(complete_json)["coverage"]["complete"] is True

    result = run(kit, "specs", "-k", "must")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "reference: no FAIL among 1 of 3 requirements run (partial: -k must)",
            "sockspec: a partial run writes reference.partial.json, not reference.json, which is kept for complete*",
        ]
    )
    assert "conforms" not in result.stdout.str()
    assert (reports / "reference.json").read_text() == complete_json
    assert (reports / "reference.html").read_text() == complete_html
    partial = read(reports / "reference.partial.json")
    assert partial["conforms"] is False
    assert partial["standing"] == "reference: no FAIL among 1 of 3 requirements run (partial: -k must)"
    assert partial["coverage"] == {
        "complete": False, "requirements": 3, "requirements_run": 1, "cases_selected": 1, "cases_graded": 1,
        "cases_deselected": 2, "selection": ["-k must"], "stopped": "",
    }  # fmt: skip
    page = (reports / "reference.partial.html").read_text()
    assert "no FAIL among 1 of 3 requirements run" in page and "PARTIAL" in page


def test_report_dir_takes_a_partial_run_under_the_plain_name(kit: pytest.Pytester) -> None:
    result = run(kit, "specs", "--req", "s05.t.must", "--report-dir", "mine")
    assert result.ret == 0
    data = read(kit.path / "mine" / "reference.json")
    assert data["coverage"]["selection"] == ["--req s05.t.must"] and data["conforms"] is False
    assert (kit.path / "mine" / "reference.html").exists()


def test_a_path_inside_the_specs_is_a_selection(kit: pytest.Pytester) -> None:
    kit.makepyfile(**{"specs/test_y.py": "import pytest\n@pytest.mark.req('s05.t.must')\ndef test_y():\n    pass\n"})
    assert run(kit, "specs/test_y.py", "--report-dir", "out").ret == 0
    coverage = read(kit.path / "out" / "reference.json")["coverage"]
    assert coverage["selection"] == ["specs/test_y.py"] and coverage["complete"] is False


def test_a_run_with_no_spec_case_writes_no_report(kit: pytest.Pytester) -> None:
    result = run(kit, "specs", "--req", "s05.t.must", "-k", "info")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["sockspec: no spec case was selected, so no report was written (the last ones stay)"])
    assert written(kit) == []


def test_an_empty_req_glob_is_a_one_line_usage_error(kit: pytest.Pytester) -> None:
    result = run(kit, "specs", "--req", "s99.*")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[0] == (
        "ERROR: --req 's99.*' matches no requirement of the catalogue (IDs look like s05.htonl.value)"
    )
    assert written(kit) == []


def test_a_stale_expectation_is_not_conformance(kit: pytest.Pytester) -> None:
    (kit.path / "fake.toml").write_text(PROFILE % "s05.t.info")
    result = run(kit, "specs", "--impl", "fake.toml")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["fake: no case FAILs, but 1 expectation(s) of its profile are stale, so the run fails"]
    )
    assert "conforms" not in result.stdout.str()
    data = read(kit.path / "reports" / "fake.json")
    assert data["conforms"] is False and data["coverage"]["complete"] is True
    assert "STALE PROFILE" in (kit.path / "reports" / "fake.html").read_text()


def test_an_expectation_is_not_judged_stale_on_a_selection_that_left_out_its_failing_case(
    kit: pytest.Pytester,
) -> None:
    (kit.path / "fake.toml").write_text(PROFILE % "s05.t.must")
    z = "import pytest\n@pytest.mark.req('s05.t.must')\ndef test_z():\n    assert 0, 'off by one'\n"
    kit.makepyfile(**{"specs/test_z.py": z})
    result = run(kit, "specs", "--impl", "fake.toml", "-k", "not test_z", "-p", "no:html")
    assert result.ret == 0
    assert "STALE" not in result.stdout.str()
    assert read(kit.path / "reports" / "fake.partial.json")["stale_expectations"] == []


def test_junit_carries_every_verdict_and_the_non_strict_message(kit: pytest.Pytester) -> None:
    (kit.path / "fake.toml").write_text(PROFILE % "s05.t.must")
    z = "import pytest\n@pytest.mark.req('s05.t.must')\ndef test_z():\n    assert 0, 'off by one'\n"
    kit.makepyfile(**{"specs/test_z.py": z})
    assert run(kit, "specs", "--impl", "fake.toml", "--junitxml", "junit.xml", "-p", "no:html").ret == 0
    cases = {tc.get("name"): tc for tc in ET.parse(kit.path / "junit.xml").getroot().iter("testcase")}
    props = {name: {p.get("name"): p.get("value") for p in tc.iter("property")} for name, tc in cases.items()}
    assert {name: p["verdict"] for name, p in props.items()} == {
        "test_should": "NON-STRICT", "test_must": "PASS", "test_info": "INFO", "test_z": "EXPECTED-FAIL",
    }  # fmt: skip
    assert props["test_should"]["verdict_message"] == "AssertionError: assert False"
    assert props["test_z"]["verdict_message"].startswith("AssertionError: off by one")
    assert "known bug" in props["test_z"]["verdict_message"]
    assert "verdict_message" not in props["test_must"]


KIT_TEST = """
def test_a_kit_self_test():
    assert False, "a broken kit test"
"""


def test_kit_self_tests_never_enter_the_conformance_report(kit: pytest.Pytester) -> None:
    """README's command 2 runs specs and tests/ together: the report holds the spec cases only."""
    kit.makepyfile(**{"tests/test_kit.py": KIT_TEST})
    assert run(kit, "specs", "tests").ret == 1  # the kit test fails the pytest run, not the conformance
    page = (kit.path / "reports" / "reference.html").read_text()
    assert "test_a_kit_self_test" not in page and "a broken kit test" not in page
    assert "reference conforms" in page
    assert sorted(rows(page)) == [f"specs/test_x.py::test_{n}" for n in ("info", "must", "should")]
    assert read(kit.path / "reports" / "reference.json")["coverage"]["cases_graded"] == 3
    # The kit's tests alone write no report at all.
    (kit.path / "reports").rename(kit.path / "kept")
    result = run(kit, "tests")
    assert written(kit) == []
    result.stdout.fnmatch_lines(["sockspec: no spec case was selected, so no report was written*"])


def test_ctrl_c_makes_a_partial_report(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "specs", "-p", "no:html", "-p", "no:randomly", "-p", "no:cacheprovider",
         "--json-report", str(report)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        assert run.stdout is not None
        seen = b""
        deadline = time.monotonic() + 60
        while seen.count(b".") < 40 and time.monotonic() < deadline:  # some cases have passed
            seen += run.stdout.read1(4096)
        os.killpg(run.pid, signal.SIGINT)
        output = (seen + run.communicate(timeout=30)[0]).decode(errors="replace")
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    data = read(report)
    coverage = data["coverage"]
    assert data["conforms"] is False and coverage["complete"] is False and coverage["stopped"] == "interrupted"
    graded, selected = coverage["cases_graded"], coverage["cases_selected"]
    assert 0 < graded < selected and len(data["cases"]) == graded
    assert f"(partial: interrupted: {graded} of {selected} cases graded)" in data["standing"]
    assert data["standing"] in output
    assert "conforms" not in output


def test_junit_shows_naive_http_get_as_non_strict_with_its_message(specs_runner, tmp_path: Path) -> None:
    """The tutorial's http-get exits 1 where 6 is expected: a NON-STRICT that pytest counts as a pass."""
    junit = tmp_path / "junit.xml"
    code, data, output = specs_runner(
        "specs/program/test_s07_http_get.py", "--impl-cmd", "{python} tests/impls/naive.py",
        "--req", "s07.http_get.exit-codes", "--junitxml", str(junit),
    )  # fmt: skip
    assert code == 0, output
    cases = ET.parse(junit).getroot().iter("testcase")
    props = [{p.get("name"): p.get("value") for p in tc.iter("property")} for tc in cases]
    non_strict = [p for p in props if p["verdict"] == "NON-STRICT"]
    assert non_strict and all(p["requirement"] == "s07.http_get.exit-codes" for p in props)
    assert "exit status of http-get was 1; expected 6" in non_strict[0]["verdict_message"]
    assert data["coverage"]["complete"] is False and data["conforms"] is False


def test_under_xdist_the_workers_hand_their_selection_to_the_controller(kit: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    assert run(kit, "specs", "-n", "2", "-k", "must", "--report-dir", "out").ret == 0
    coverage = read(kit.path / "out" / "reference.json")["coverage"]
    assert (coverage["cases_selected"], coverage["cases_deselected"], coverage["selection"]) == (1, 2, ["-k must"])
    assert run(kit, "specs", "-n", "2", "--report-dir", "all").ret == 0
    assert read(kit.path / "all" / "reference.json")["coverage"]["complete"] is True

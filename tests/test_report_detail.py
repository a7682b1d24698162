"""One case's detail in the HTML report: each fact once, evidence for a PASS, the user's command."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sockspec.html_case import case_detail
from sockspec.requirements import Requirement
from sockspec.verdicts import Verdict

REQ = Requirement(
    id="s01.gethostname.nodename", section=1, level="MUST", surface="api", statement="gethostname is the node name",
    cite=("tutorial:1",), needs=(), accepts="any non-empty str",
)  # fmt: skip

SANDBOXED = (
    "command: /usr/bin/unshare --user --net /venv/bin/python -P -c import sys\n"
    "from sockspec.sandbox.launcher import main\nsys.exit(main())\n /repo --zone z.json -- python tests/impls/naive.py "
    "ip4-convert www.python.org --base 2\nexit status: 1\n--- stdout ---\nIPv4 address\n--- stderr ---\n"
)


def report(message: str = "", checks: list[dict[str, str]] | None = None, transcripts: Any = ()) -> Any:
    return SimpleNamespace(
        sockspec_message=message,
        sockspec_checks=checks or [],
        sockspec_facts=[],
        sockspec_transcripts=list(transcripts),
    )


def test_a_pass_reads_as_evidence() -> None:
    checks = [
        {"check": "gethostname()", "expected": "a non-empty str", "actual": "'vm'"},
        {"check": "exit status", "expected": "0", "actual": "0"},
    ]
    page = case_detail(REQ, Verdict.PASS, report(checks=checks))
    assert "gethostname(): got &#x27;vm&#x27;, a non-empty str" in page
    assert "exit status: got 0, as expected" in page
    assert "expected a non-empty str" not in page
    assert page.count("gethostname is the node name") == 1 and page.count("any non-empty str") == 1


def test_a_failed_check_states_expected_and_got_once() -> None:
    checks = [{"check": "f()", "expected": "3", "actual": "2"}]
    page = case_detail(REQ, Verdict.FAIL, report("AssertionError: f() returned 2; expected 3", checks))
    assert "f(): expected 3; <b>got 2</b>" in page
    assert "returned 2" not in page  # the exception's message repeats the check: shown once


def test_a_failure_by_exception_names_what_was_expected() -> None:
    page = case_detail(REQ, Verdict.FAIL, report("Failed: DID NOT RAISE <class 'OSError'>"))
    assert "expected OSError; <b>got no exception</b>" in page


def test_a_declared_gap_gives_its_reason_without_python_tuples() -> None:
    reason = "the implementation declares no support for 'api'"
    page = case_detail(REQ, Verdict.UNSUPPORTED, report(reason))
    assert reason.replace("'", "&#x27;") in page
    assert "(&#x27;/" not in page and ".py" not in page


def test_a_program_case_shows_the_command_as_typed_and_hides_the_sandbox_launcher() -> None:
    page = case_detail(
        REQ, Verdict.FAIL, report("exit status was 1", transcripts=[{"title": "ip4-convert", "text": SANDBOXED}])
    )
    typed = "<code>python tests/impls/naive.py ip4-convert www.python.org --base 2</code>"
    assert typed in page
    launcher = page.index("<details class='launcher'>")
    assert page.index("unshare") > launcher  # the launcher only inside the toggle
    assert "<span class='k'>exit status</span> 1" in page and "IPv4 address" in page

"""Grade each spec case into one of the verdicts of :mod:`sockspec.verdicts`.

pytest knows pass, fail, skip and xfail; a conformance verdict needs more.
A wrapper around ``pytest_runtest_makereport`` reads the case's requirement
level and how the case ended, and writes the verdict onto the report (so it
survives the trip from an xdist worker); :mod:`sockspec.results` collects
the verdicts wherever the reports arrive.

A case that ends in a ``KitError`` (the kit, or the harness serving the
API, cannot do its part) gets no verdict: it is a KIT ERROR, counted as a
pytest error, never a FAIL or UNSUPPORTED of the implementation.

Only a FAIL (or a kit error) makes the run fail: a broken SHOULD is NON-STRICT unless
``--strict`` is given, and its report is turned into a pass for pytest.  A
case of a requirement that the IUT's profile expects to fail is
EXPECTED-FAIL when it fails; whether the expectation is still true is judged
per requirement at the end of the run (:mod:`sockspec.results`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from sockspec import checks
from sockspec.citations import citation_label
from sockspec.errors import IUTError, KitError, KitUsageError
from sockspec.outcomes import NotApplicable, Unsupported
from sockspec.requirements import Requirement
from sockspec.state import EXPECTATION_KEY, FACTS_KEY, REQUIREMENT_KEY, run_state
from sockspec.verdicts import Verdict

__all__: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    checks.begin_case()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    try:
        return (yield)
    finally:
        checks.end_case()


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _skip_verdict(call: pytest.CallInfo[None], report: pytest.TestReport) -> tuple[Verdict, str]:
    excinfo = call.excinfo
    reason = str(excinfo.value.msg) if excinfo is not None and hasattr(excinfo.value, "msg") else ""
    if excinfo is not None and excinfo.errisinstance(Unsupported):
        return Verdict.UNSUPPORTED, reason
    if excinfo is not None and excinfo.errisinstance(NotApplicable):
        return Verdict.NOT_APPLICABLE, reason
    return Verdict.NOT_APPLICABLE, reason or "skipped"


def _grade(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, req: Requirement, strict: bool
) -> tuple[Verdict, str] | None:
    if report.when == "teardown":
        return None
    if report.skipped:
        return _skip_verdict(call, report)
    if report.when == "setup":
        if report.failed and call.excinfo is not None and call.excinfo.errisinstance(IUTError):
            return Verdict.FAIL, _first_line(call.excinfo.exconly())
        return None  # a passing setup decides nothing; a kit error stays an ERROR
    if report.passed:
        return (Verdict.INFO if req.level == "INFO" else Verdict.PASS), ""
    if call.excinfo is not None and call.excinfo.errisinstance(KitUsageError):
        return None  # the kit was misused (e.g. a harness command that cannot start): no verdict, no EXPECTED-FAIL
    message = _first_line(call.excinfo.exconly()) if call.excinfo is not None else _first_line(report.longreprtext)
    expectation = item.stash.get(EXPECTATION_KEY, None)
    if expectation is not None:
        return Verdict.EXPECTED_FAIL, f"{message} (expected: {expectation})"
    if req.level == "SHOULD" and not strict:
        return Verdict.NON_STRICT, message
    return Verdict.FAIL, message


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    req = item.stash.get(REQUIREMENT_KEY, None)
    if req is None:
        return report
    if report.failed and call.excinfo is not None and call.excinfo.errisinstance(KitError):
        report.sockspec_kit_error = _first_line(str(call.excinfo.value))  # type: ignore[attr-defined]
        return report
    graded = _grade(item, call, report, req, run_state(item.config).strict)
    if graded is None:
        return report
    verdict, message = graded
    # A plain str, which xdist can send back from a worker; the collector makes it a Verdict again.
    report.sockspec_verdict = verdict.value  # type: ignore[attr-defined]
    report.sockspec_message = message  # type: ignore[attr-defined]
    # The teardown report copies these, and --junitxml writes them as properties: CI dashboards that show
    # pytest's pass/skip alone would hide a NON-STRICT (a pass) or an EXPECTED-FAIL (a skip) otherwise.
    item.user_properties.append(("verdict", verdict.value))
    if message:
        item.user_properties.append(("verdict_message", message))
    recorded, transcripts = checks.snapshot()
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, IUTError) and error.stderr:  # e.g. the traceback of a server that crashed
        transcripts.append({"title": "stderr of the implementation", "text": error.stderr})
    report.sockspec_checks = recorded  # type: ignore[attr-defined]
    report.sockspec_facts = item.stash.get(FACTS_KEY, [])  # type: ignore[attr-defined]
    report.sockspec_transcripts = transcripts  # type: ignore[attr-defined]
    if verdict in (Verdict.FAIL, Verdict.NON_STRICT):  # shown with the failure, so it says which promise broke
        cites = ", ".join(citation_label(c) for c in req.cite)
        accepts = f"\naccepted variation: {req.accepts}" if req.accepts else ""
        report.sections.append(
            ("sockspec requirement", f"{req.id} [{req.level}] {req.statement}\nsource: {cites}{accepts}")
        )
    if verdict == Verdict.NON_STRICT:
        report.outcome = "passed"
    elif verdict == Verdict.EXPECTED_FAIL:  # reported the way pytest reports an xfail
        report.outcome = "skipped"
        report.wasxfail = message
    return report


#: How pytest counts and shows a case that ended in a ``KitError``.
KIT_ERROR_STATUS = ("error", "E", "KIT ERROR")


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    if getattr(report, "sockspec_kit_error", None) is not None:
        return KIT_ERROR_STATUS
    verdict = getattr(report, "sockspec_verdict", None)
    return Verdict(verdict).teststatus if verdict is not None else None

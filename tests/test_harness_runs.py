"""Broken harnesses in a real spec run: each case FAILs clearly and the run finishes.

The fakes in tests/harness/fakes/ answer ``htonl`` correctly, decline
``htons`` as unsupported, do not list ``ntohs`` at all, and misbehave on
``ntohl``.  Running the
byte-order value specs through them shows three things at once: the broken
calls FAIL with a message that says what went wrong, the kit restarts the
harness so later cases are judged normally, and nothing hangs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

FAKES = ROOT / "tests" / "harness" / "fakes"
SPEC = "specs/api/test_s05_byte_order.py::test_conversion_value"


def profile(tmp_path: Path, fake: str) -> Path:
    path = tmp_path / f"{fake}.toml"
    path.write_text(f'name = "fake-{fake}"\n[api]\ncommand = [{sys.executable!r}, {str(FAKES / fake)!r}]\n')
    return path


@pytest.mark.parametrize(
    ("fake", "options", "vector", "message"),
    [
        ("hang.py", [], "tutorial-value-1234", "did not answer call ntohl(1234) within 0.5 s"),
        ("crash.py", [], "tutorial-value-1234", "exited with code 1"),
        ("garbage.py", [], "tutorial-value-1234", "not JSON"),
        ("bad_schema.py", ["--validate-harness"], "zero", "schema"),  # ntohl(0) answers an unknown tag
    ],
)
def test_broken_harness_fails_its_cases_and_the_run_finishes(
    specs_runner, tmp_path: Path, fake: str, options: list[str], vector: str, message: str
) -> None:
    start = time.monotonic()
    code, data, output = specs_runner(SPEC, "--impl", str(profile(tmp_path, fake)), "--io-timeout", "0.5", *options)
    elapsed = time.monotonic() - start
    assert code == 1, output
    by_requirement: dict[str, set[str]] = {}
    for case in data["cases"]:
        by_requirement.setdefault(case["requirement"], set()).add(case["verdict"])
    assert by_requirement == {
        "s05.htonl.value": {"PASS"},  # judged normally, also after each restart
        "s05.htons.value": {"UNSUPPORTED"},  # declined by the harness
        "s05.ntohl.value": {"FAIL"},
        "s05.ntohs.value": {"UNSUPPORTED"},  # not among the capabilities it announced
    }
    first = next(c for c in data["cases"] if c["nodeid"].endswith(f"[ntohl.value:{vector}]"))
    assert message in first["message"], first["message"]
    assert elapsed < 30, f"the run took {elapsed:.1f} s"


#: A call the fake declines as Unsupported, and one it leaves out of its capabilities.
GAPS = (f"{SPEC}[htons.value:zero]", f"{SPEC}[ntohs.value:zero]")


def test_under_strict_a_gap_the_profile_does_not_declare_is_a_kit_error(specs_runner, tmp_path: Path) -> None:
    path = profile(tmp_path, "crash.py")
    code, data, output = specs_runner(*GAPS, "--impl", str(path))
    assert code == 0 and [c["verdict"] for c in data["cases"]] == ["UNSUPPORTED"] * 2, output  # as ever
    code, _, output = specs_runner(*GAPS, "--impl", str(path), "--strict")
    assert code == 1, output
    assert f"{GAPS[0]}: harness 'fake' answered Unsupported to call htons(0), a call it lists" in output
    assert f"{GAPS[1]}: harness 'fake' does not offer 'ntohs', and the profile does not declare" in output


def test_under_strict_a_gap_the_profile_declares_is_unsupported(specs_runner, tmp_path: Path) -> None:
    path = profile(tmp_path, "crash.py")
    path.write_text('lacks = ["api.ntohs"]\npartial = ["api.htons"]\n' + path.read_text())
    code, data, output = specs_runner(*GAPS, "--impl", str(path), "--strict")
    assert code == 0 and [c["verdict"] for c in data["cases"]] == ["UNSUPPORTED"] * 2, output

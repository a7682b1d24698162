"""Correct implementations the kit was not built beside get PASS, not a false FAIL.

tests/impls/unseen.py meets docs/programs.md where the contract leaves room
in ways the reference does not: a server that prints before it listens, an
echo-server whose first line is ``Listening on port: N``, an sntp-time whose
timeout message has its own words.  Each used to FAIL (issue 12); run
through the kit as a user would (``--impl-cmd``), every case of the recipes
it implements is PASS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, run_specs, verdict_ids

UNSEEN = ROOT / "tests" / "impls" / "unseen.py"

#: Spec modules and requirement globs of the recipes unseen.py implements itself.
RUNS = {
    "prints-before-listening": (
        "specs/program/test_s06_socket_modes.py",
        ("s06.socket_modes.*",),
        "s06.socket_modes.listening",
    ),
    "own-first-line": ("specs/program/test_s11_echo_server.py", ("s11.echo_server.*",), "s11.echo_server.port-zero"),
    "listens-late-after-a-restart": (
        "specs/program/test_s11_echo_server_process.py",
        ("s11.echo_server.*",),
        "s11.echo_server.restart",
    ),
    "own-timeout-words": (
        "specs/program/test_s10_time_clients.py",
        ("s10.sntp_time.*",),
        "s10.sntp_time.timeout",
    ),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_correct_but_unseen_implementation_passes(name: str, tmp_path: Path) -> None:
    module, globs, the_one = RUNS[name]
    reqs = [arg for glob in globs for arg in ("--req", glob)]
    code, data, output = run_specs(tmp_path, module, *reqs, "--impl-cmd", f"{{python}} {UNSEEN}", timeout=90)
    verdicts = {case["nodeid"]: case["verdict"] for case in data.get("cases", [])}
    wrong = {nodeid: verdict for nodeid, verdict in verdicts.items() if verdict not in ("PASS", "INFO", "N/A")}
    assert verdicts, output[-4000:]
    assert wrong == {}, output[-4000:]
    assert code == 0, output[-4000:]
    assert the_one in verdict_ids(data, "PASS")

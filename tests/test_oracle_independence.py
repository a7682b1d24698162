"""The client specs' verdicts do not depend on the reference's servers: the kit's oracles are its own.

The specs of the reference's clients (sntp-time, ntp-time, echo-client,
http-get) run twice: once as usual, once from a directory holding a copy of
``sockspec_reference`` whose servers are broken (sntp-server and echo-server
fail at import, the SNTP codec's reply encoder sends 48 zero octets).  A
``python -m sockspec_reference`` started there, by the kit or by anything
else, gets the broken copy, since ``-m`` searches the working directory
first.  Every case must get the same verdict both times.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_specs

CLIENT_SPECS = [
    "specs/program/test_s10_time_clients.py",
    "specs/program/test_s11_echo_client.py",
    "specs/program/test_s07_http_get.py",
]
BROKEN_AT_IMPORT = ("recipes/sntp_server.py", "recipes/_sntp_fast.py", "recipes/echo_server.py")
#: Appended to the codec's server half: the name now means a wrong encoder, every other name still works.
WRONG_ENCODER = '''

def encode_reply(*args: object, **kwargs: object) -> bytes:
    """Broken on purpose by tests/test_oracle_independence.py."""
    return bytes(48)
'''


def broken_reference(where: Path) -> Path:
    """A copy of the reference under ``where`` whose servers cannot serve; ``where`` is returned."""
    copy = where / "sockspec_reference"
    shutil.copytree(ROOT / "sockspec_reference", copy, ignore=shutil.ignore_patterns("__pycache__"))
    for name in BROKEN_AT_IMPORT:
        (copy / name).write_text('raise ImportError("broken on purpose by tests/test_oracle_independence.py")\n')
    with (copy / "sntp" / "_server.py").open("a") as codec:
        codec.write(WRONG_ENCODER)
    return where


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {case["nodeid"]: case["verdict"] for case in report["cases"]}


def test_the_broken_copy_is_what_python_dash_m_runs_there(tmp_path):
    broken = broken_reference(tmp_path / "broken")
    for recipe in ("sntp-server", "echo-server"):
        done = subprocess.run(
            [sys.executable, "-m", "sockspec_reference", recipe, "--port", "0"],
            cwd=broken,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode != 0
        assert "broken on purpose" in done.stderr


@pytest.mark.timeout(240)  # two runs of the client specs, each about 15 s here and over a minute on a busy machine
def test_client_verdicts_do_not_depend_on_the_reference_servers(tmp_path):
    broken = broken_reference(tmp_path / "broken")
    (tmp_path / "usual").mkdir()
    (tmp_path / "with-broken").mkdir()
    paths = [str(ROOT / spec) for spec in CLIENT_SPECS]
    _, usual, usual_out = run_specs(tmp_path / "usual", *paths)
    _, spoilt, spoilt_out = run_specs(tmp_path / "with-broken", *paths, cwd=broken)
    assert usual.get("cases"), usual_out[-2000:]
    assert spoilt.get("cases"), spoilt_out[-2000:]
    expected, got = verdicts(usual), verdicts(spoilt)
    changed = {
        node: (expected.get(node), got.get(node)) for node in {*expected, *got} if expected.get(node) != got.get(node)
    }
    assert not changed, f"verdicts (usual, with broken reference servers): {changed}"

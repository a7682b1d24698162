"""A module that wraps its sockets in its own class is judged exactly like ``socket``.

tests/impls/wrapped_socket.py is CPython's ``socket`` with every socket in a
wrapper whose methods come through ``__getattr__``.  Every API case must get
the same verdict as ``socket`` does, in process (``--impl-module``) and
through the reference harness.  And where the harness cannot carry what a
module returns, the case is a KIT ERROR, not the module's UNSUPPORTED or FAIL.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_specs

WRAPPED = "tests.impls.wrapped_socket"


def _verdicts(data: dict[str, Any]) -> dict[str, str]:
    return {case["nodeid"]: case["verdict"] for case in data["cases"]}


def _harness_profile(tmp_path: Path, module: str) -> Path:
    path = tmp_path / f"{module}.toml"
    command = [sys.executable, "-m", "sockspec_reference.harness", "--module", module]
    path.write_text(f'name = "{module}-harness"\n[api]\ncommand = {command!r}\n[programs]\nonly = []\n')
    return path


@pytest.mark.parametrize("through", ["module", "harness"])
def test_wrapped_sockets_get_the_verdicts_of_socket(tmp_path: Path, through: str) -> None:
    runs = {}
    for module in ("socket", WRAPPED):
        where = tmp_path / module
        where.mkdir()
        chosen = ["--impl-module", module] if through == "module" else ["--impl", str(_harness_profile(where, module))]
        code, data, output = run_specs(where, "specs/api", *chosen, timeout=240)
        assert code == 0, output
        runs[module] = _verdicts(data)
    assert runs[WRAPPED] == runs["socket"]
    assert "UNSUPPORTED" not in runs[WRAPPED].values()


def test_a_result_the_harness_cannot_carry_is_a_kit_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests" / "harness" / "fakes"))
    profile = _harness_profile(tmp_path, "odd_value_socket")
    spec = "specs/api/test_s05_byte_order.py::test_conversion_value"
    code, data, output = run_specs(tmp_path, spec, "--impl", str(profile))
    assert code == 1, output
    judged = {case["requirement"] for case in data["cases"]}
    assert judged == {"s05.htons.value", "s05.ntohl.value", "s05.ntohs.value"}  # htonl: neither FAIL nor UNSUPPORTED
    assert data["conforms"] is False
    assert data["kit_errors"] and all("test_conversion_value[htonl.value" in e["nodeid"] for e in data["kit_errors"])
    assert "cannot carry a value of type Number" in data["kit_errors"][0]["message"]
    assert "KIT ERROR" in output and "was not fully judged" in output

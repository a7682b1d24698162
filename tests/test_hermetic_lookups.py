"""§1's verdicts do not depend on the machine's nameserver, and no lookup reaches it.

tests/impls/dns_resolver.py asks DNS for every name, even one the hosts file
lists.  The §1 API specs run against it twice on a stand-in machine
(tests/machine_namespace.py, loopback only): once where the machine's
nameserver answers every name, once where it cannot be reached.  Both runs
give the same verdicts, the machine's nameserver logs no query, and the
resolver sandbox's stub logs the provider's queries: every lookup ran in the
sandbox.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from sockspec.sandbox import ResolverSandbox
from tests.conftest import run_specs

SPEC = "specs/api/test_s01_host_info.py"


def _zone_answering_everything(path: Path) -> Path:
    """A nameserver that knows every name: any lookup that reached it would succeed."""
    zone = {"ttl": 0, "names": {}, "otherwise": {"A": ["192.0.2.99"]}}
    path.write_text(json.dumps(zone), encoding="utf-8")
    return path


def _run(tmp_path: Path, machine: list[str]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    wrapper = [shutil.which("unshare") or "unshare", "--user", "--map-root-user", "--net", "--mount", "--"]
    wrapper += [sys.executable, "-m", "tests.machine_namespace", *machine, "--"]
    basetemp = tmp_path / "basetemp"
    code, data, output = run_specs(
        tmp_path, SPEC, "--impl-module", "tests.impls.dns_resolver", "--basetemp", str(basetemp), within=wrapper
    )
    assert code == 1 and data.get("cases"), output  # it FAILs: it ignores the hosts file
    log = basetemp / "resolver-sandbox0" / "queries.jsonl"
    queries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return {case["nodeid"]: case["verdict"] for case in data["cases"]}, queries


def test_host_lookups_of_a_dns_only_provider_stay_in_the_sandbox(tmp_path: Path) -> None:
    reason = ResolverSandbox.unavailable_reason()
    if reason is not None:
        pytest.skip(f"the resolver sandbox is unavailable here: {reason}")
    machine_log = tmp_path / "machine-queries.jsonl"
    zone = _zone_answering_everything(tmp_path / "zone.json")
    (tmp_path / "answering").mkdir()
    (tmp_path / "unreachable").mkdir()
    answering, sandbox_queries = _run(tmp_path / "answering", ["--zone", str(zone), "--log", str(machine_log)])
    unreachable, _ = _run(tmp_path / "unreachable", [])
    assert answering == unreachable
    assert not machine_log.exists() or machine_log.read_text() == "", "a lookup reached the machine's nameserver"
    asked = {query["qname"] for query in sandbox_queries}
    assert "1.0.0.127.in-addr.arpa" in asked, sandbox_queries  # gethostbyaddr('127.0.0.1'), answered by the stub

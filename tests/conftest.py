"""Helpers for the kit's own tests: run the specs in a child pytest and read its verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# The kit's own property tests judge the kit, not the machine: a per-example
# deadline or the too_slow health check fails them on a busy machine.
settings.register_profile("kit", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kit")


def run_specs(
    tmp_path: Path, *args: str, timeout: float = 120, cwd: Path = ROOT, within: Sequence[str] = ()
) -> tuple[int, dict[str, Any], str]:
    """Run pytest on the specs in a child process; return exit code, JSON report and output.

    ``args`` name the spec paths to run as well as options; the programs the
    kit starts inherit ``cwd``, which ``python -m`` searches first; ``within``
    is a command prefix that runs it elsewhere (e.g. ``ip netns exec NS``).
    """
    report = tmp_path / "report.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [
        *within,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:html",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "--json-report",
        str(report),
        *args,
    ]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def verdict_ids(data: dict[str, Any], verdict: str) -> set[str]:
    """The requirement IDs with at least one case of ``verdict``."""
    return {case["requirement"] for case in data.get("cases", []) if case["verdict"] == verdict}


@pytest.fixture
def specs_runner(tmp_path: Path) -> Callable[..., tuple[int, dict[str, Any], str]]:
    def run(*args: str, timeout: float = 120, within: Sequence[str] = ()) -> tuple[int, dict[str, Any], str]:
        return run_specs(tmp_path, *args, timeout=timeout, within=within)

    return run

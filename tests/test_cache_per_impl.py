"""``--lf`` remembers failures per implementation (sockspec/cache_dir.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SPEC = "specs/api/test_s05_byte_order.py"


def _run(cache: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:html", "-o", f"cache_dir={cache}"]
    cmd += ["--report-dir", str(tmp_path), *args, SPEC]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_last_failed_is_kept_per_implementation(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bad = _run(cache, tmp_path, "--impl-module", "tests.impls.wrong_api")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    good = _run(cache, tmp_path, "--lf")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "deselected" not in good.stdout, "the reference's --lf picked up the other implementation's failures"
    again = _run(cache, tmp_path, "--impl-module", "tests.impls.wrong_api", "--lf")
    assert again.returncode == 1 and "passed" not in again.stdout and "deselected" in again.stdout, again.stdout
    assert sorted(p.name for p in (cache / "sockspec").iterdir()) == ["reference", "tests.impls.wrong_api"]

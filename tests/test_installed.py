"""sockspec as a user installs it: the built wheel in a fresh venv, used from a folder outside the checkout.

The wheel and sdist are built without network access (``build`` and
setuptools come with the ``dev`` extra).  The fresh venv needs the wheel's
dependencies: from ``$SOCKSPEC_WHEELHOUSE`` where it is set (``.ci/run``
fills one before it cuts the network), else from the package index.  Where
neither is reachable the test is skipped with pip's reason, except in CI.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sockspec.locations import RUN_INI
from tests.conftest import ROOT


def _sh(argv: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, outside the checkout, with the wheel built from this checkout installed."""
    tmp = tmp_path_factory.mktemp("installed")
    built = _sh([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp / "dist"), str(ROOT)], tmp)
    if built.returncode != 0:
        _unavailable(f"cannot build the wheel offline: {built.stderr.strip().splitlines()[-1:]}")
    (wheel,) = (tmp / "dist").glob("sockspec-*.whl")
    assert list((tmp / "dist").glob("sockspec-*.tar.gz")), "no sdist built"
    made = _sh([sys.executable, "-m", "venv", str(tmp / "venv")], tmp)
    assert made.returncode == 0, made.stderr
    pip = [str(tmp / "venv/bin/python"), "-m", "pip", "install", "-q", "--retries", "0", "--timeout", "15"]
    wheelhouse = os.environ.get("SOCKSPEC_WHEELHOUSE")
    if wheelhouse:
        pip += ["--no-index", "--find-links", wheelhouse]
    installed = _sh([*pip, str(wheel)], tmp)
    if installed.returncode != 0:
        _unavailable(f"cannot install the wheel's dependencies: {installed.stderr.strip().splitlines()[-1:]}")
    return tmp / "venv"


@pytest.mark.timeout(600)
def test_the_installed_command_runs_and_compares_from_any_folder(venv: Path) -> None:
    project = venv.parent / "project"
    project.mkdir()
    python, sockspec = str(venv / "bin/python"), str(venv / "bin/sockspec")
    where = _sh([python, "-c", "import sockspec, sockspec_reference; print(sockspec.__file__)"], project)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr

    version = _sh([sockspec, "--version"], project)
    assert version.returncode == 0 and version.stdout.startswith("sockspec "), version

    ref = _sh([sockspec, "run", "--impl-cmd", f"{python} -m sockspec_reference", "-q"], project)
    assert ref.returncode == 0, ref.stdout[-3000:] + ref.stderr
    assert "sockspec_reference conforms" in ref.stdout
    report = json.loads((project / "reports/sockspec_reference.json").read_text())
    verdicts = {case["verdict"] for case in report["cases"]}
    assert "PASS" in verdicts and "FAIL" not in verdicts
    assert (project / "reports/sockspec_reference.html").is_file()
    assert (project / ".pytest_cache/sockspec/sockspec_reference").is_dir()
    assert not list(venv.glob("lib/python*/site-packages/sockspec/**/.pytest_cache"))

    own = venv.parent / "own-tests"  # a project's own tests, with sockspec installed: the kit stays out
    own.mkdir()
    (own / "test_mine.py").write_text("def test_mine():\n    assert True\n")
    mine = _sh([python, "-m", "pytest", "-q"], own)
    assert mine.returncode == 0 and "1 passed" in mine.stdout, mine.stdout + mine.stderr
    assert not (own / "reports").exists() and not (own / ".pytest_cache/sockspec").exists()

    reports = [str(project / "reports/sockspec_reference.json")]
    if shutil.which("node"):
        node = _sh([sockspec, "run", "--impl", "node", "-q"], project)
        assert node.returncode == 0, node.stdout[-3000:] + node.stderr
        reports.append(str(project / "reports/node.json"))

    compared = _sh([sockspec, "compare", *reports, "-o", "m.html"], project)
    assert compared.returncode == 0, compared.stderr
    assert compared.stdout.startswith(f"wrote m.html: {len(reports)} implementations x ")
    assert (project / "m.html").read_text().startswith("<!DOCTYPE html>")


def test_run_ini_keeps_the_repository_settings_of_a_spec_run() -> None:
    """``sockspec run`` judges as ``pytest specs`` does: its ini repeats pytest.ini's settings."""
    ours, repo = configparser.ConfigParser(), configparser.ConfigParser()
    ours.read(RUN_INI)
    repo.read(ROOT / "pytest.ini")
    for key in ("python_files", "xfail_strict", "timeout", "filterwarnings"):
        assert ours["pytest"][key] == repo["pytest"][key], key
    assert set(ours["pytest"]["addopts"].split()) <= set(repo["pytest"]["addopts"].split())


def test_every_package_is_in_the_wheel() -> None:
    """pyproject.toml lists the packages by hand (the suite's are mapped); none may be forgotten."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    for top in ("sockspec", "sockspec_reference"):
        for init in (ROOT / top).rglob("__init__.py"):
            assert ".".join(init.parent.relative_to(ROOT).parts) in listed, init

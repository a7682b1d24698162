"""A broken setup is one line and exit 4, never a flood of FAILs; a profile works from any directory.

Each test runs pytest on the real specs in a child process whose current
directory is a temporary folder outside the checkout, as a user would from
their own project, with pytest-html enabled, and checks that nothing claims a
verdict: exit 4, one line on the terminal, no traceback, no report written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the kit on the checkout's specs from ``folder``, with reports under ``folder/reports``."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    argv += ["--report-dir", str(folder / "reports"), *args]
    return subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=120)


def one_line_usage_error(folder: Path, *args: str) -> str:
    """The run's only line of output, after checking it stopped as a usage error and wrote no report."""
    done = pytest_in(folder, str(ROOT / "specs"), *args)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-3000:] + done.stderr[-3000:]
    assert len(lines) == 1 and lines[0].startswith("ERROR: "), lines[:20]
    assert not (folder / "reports").exists(), "a report claims something about a run that never started"
    return lines[0]


def profile(folder: Path, text: str) -> str:
    path = folder / "p.toml"
    path.write_text(text)
    return str(path)


def test_the_readme_profile_without_its_harness_is_one_line(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```toml\n(# myimpl\.toml\n.*?)```", readme, re.S)
    assert example is not None
    line = one_line_usage_error(tmp_path, "--impl", profile(tmp_path, example.group(1)))
    assert f"implementation 'myimpl' ({tmp_path / 'p.toml'})" in line
    assert f"the harness command '{tmp_path / 'my-harness'}' cannot start" in line
    assert "does not exist" in line


def test_a_missing_program_is_one_line(tmp_path: Path) -> None:
    line = one_line_usage_error(tmp_path, "--impl-cmd", "./no-such-program")
    assert line == (
        "ERROR: implementation 'no-such-program' (command line): the program command './no-such-program'"
        " cannot start: './no-such-program' does not exist"
    )


def test_a_missing_interpreter_is_one_line(tmp_path: Path) -> None:
    text = 'name = "pp"\n[api]\ncommand = ["pypy-nonexistent3", "-m", "sockspec_reference.harness"]\n'
    line = one_line_usage_error(tmp_path, "--impl", profile(tmp_path, text))
    assert "the harness command 'pypy-nonexistent3 -m sockspec_reference.harness' cannot start" in line
    assert line.endswith("'pypy-nonexistent3' is not found on PATH")


def test_a_missing_script_is_one_line(tmp_path: Path) -> None:
    text = 'name = "s"\n[programs]\ncommand = ["{python}", "./recipes.py"]\n'
    line = one_line_usage_error(tmp_path, "--impl", profile(tmp_path, text))
    assert line.endswith(f"it names '{tmp_path / 'recipes.py'}', which does not exist")


def test_a_missing_module_is_one_line(tmp_path: Path) -> None:
    line = one_line_usage_error(tmp_path, "--impl-cmd", "{python} -m no_such_recipes_xyz")
    assert line.endswith("finds no module 'no_such_recipes_xyz' to run")


def test_a_harness_that_dies_before_start_is_one_line_with_its_reason(tmp_path: Path) -> None:
    code = "import sys; sys.exit('ImportError: no module named mysocket')"
    text = f'name = "dies"\n[api]\ncommand = ["{{python}}", "-c", "{code}"]\n[programs]\nonly = []\n'
    line = one_line_usage_error(tmp_path, "--impl", profile(tmp_path, text))
    assert "did not answer start: harness exited with code 1" in line
    assert line.endswith("(stderr: ImportError: no module named mysocket)")


def test_a_harness_that_does_not_stop_as_asked_is_one_line(tmp_path: Path) -> None:
    fake = ROOT / "tests" / "harness" / "fakes" / "bad_stop.py"
    text = f'name = "exits-1"\n[api]\ncommand = ["{{python}}", "{fake}", "--exit", "1"]\n[programs]\nonly = []\n'
    line = one_line_usage_error(tmp_path, "--impl", profile(tmp_path, text))
    assert line.endswith("answered stop, then exit status 1; the protocol asks for exit status 0"), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[expectations]\n"s99.no.such" = { reason = "r" }\n',
            "[expectations]: unknown requirement ID 's99.no.such'; 'python -m sockspec requirements' lists them",
        ),
        (
            '[expectations]\n"s05.conversion.overflw" = { reason = "r" }\n',
            "unknown requirement ID 's05.conversion.overflw'; did you mean 's05.conversion.overflow'?",
        ),
        ('[expectations]\n"s05.*" = { reason = "r" }\n', "[expectations]: key 's05.*' is a glob (matching"),
        ('lacks = ["program:echo-srever"]\n', "lacks: unknown capability 'program:echo-srever'; did you mean"),
        ('lacks = ["api.htnol"]\n', "lacks: unknown capability 'api.htnol'; did you mean 'api.htonl'?"),
        ('[programs]\nonly = ["sntp-tiem"]\n', "only: unknown recipe 'sntp-tiem'; did you mean 'sntp-time'?"),
        ('lacks = ["api.socket.getblockin"]\n', "did you mean 'api.socket.getblocking'?"),
        ('partial = ["api.socket.recvv"]\n', "partial: unknown API capability 'api.socket.recvv'; did you mean"),
    ],
    ids=[
        "unknown-id",
        "misspelt-id",
        "glob-key",
        "lacks-program",
        "lacks-api",
        "only-recipe",
        "lacks-method",
        "partial",
    ],
)
def test_each_kind_of_typo_in_a_profile_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    line = one_line_usage_error(tmp_path, "--impl", profile(tmp_path, f'name = "typo"\n{text}'))
    assert message in line and str(tmp_path / "p.toml") in line, line


def test_a_typo_in_recipes_is_one_line(tmp_path: Path) -> None:
    line = one_line_usage_error(tmp_path, "--impl-cmd", "{python} -m sockspec_reference", "--recipes", "echo-srever")
    assert line == "ERROR: --recipes: unknown recipe 'echo-srever'; did you mean 'echo-server'?"


def report_of(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = pytest_in(folder, "-p", "no:html", "--json-report", str(folder / "out.json"), *args)
    path = folder / "out.json"
    return done, (json.loads(path.read_text()) if path.exists() else {})


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_shipped_profile_with_relative_paths_works_from_another_directory(tmp_path: Path) -> None:
    specs = [str(ROOT / "specs/api/test_s05_byte_order.py"), str(ROOT / "specs/program/test_s11_echo_server.py")]
    done, data = report_of(tmp_path, *specs, "--impl", "node")
    verdicts = {case["verdict"] for case in data["cases"]}
    assert done.returncode == 0 and verdicts <= {"PASS", "UNSUPPORTED"}, done.stdout[-3000:]
    assert "PASS" in {c["verdict"] for c in data["cases"] if c["requirement"].startswith("s11.")}


def test_impl_cmd_alone_judges_the_programs_it_says_it_provides(tmp_path: Path) -> None:
    specs = [str(ROOT / "specs/api/test_s05_byte_order.py"), str(ROOT / "specs/program/test_s05_byte_order.py")]
    command = "{python} -m sockspec_reference"
    selected = ["--req", "s05.htonl.*", "--req", "s05.byte_order.*"]
    done, data = report_of(tmp_path, *specs, *selected, "--impl-cmd", command, "--recipes", "echo-server,echo-client")
    assert done.returncode == 0, done.stdout[-3000:]
    assert {case["verdict"] for case in data["cases"]} == {"UNSUPPORTED"}
    assert {case["message"] for case in data["cases"]} == {
        "the implementation declares no support for 'api'",  # no API provider was named
        "the implementation declares no support for 'program:byte-order'",  # not among --recipes
    }

"""Profiles are checked against schemas/profile.schema.json, and errors name the file and the key."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sockspec import documents
from sockspec.errors import KitUsageError
from sockspec.profiles import PROFILE_DIR, load_profile

ROOT = Path(__file__).resolve().parent.parent


def test_the_profile_schema_is_a_valid_schema() -> None:
    documents.validator("profile")  # checks the schema itself


@pytest.mark.parametrize("path", sorted(PROFILE_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_profiles_are_valid(path: Path) -> None:
    assert load_profile(str(path)).name == path.stem


def test_the_readme_example_is_valid() -> None:
    example = re.search(r"```toml\n(# myimpl\.toml\n.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert example is not None
    documents.validate(tomllib.loads(example.group(1)), "profile", "README example")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('name = "x"\n[api]\ncommand = []\n', "/api/command"),
        ('name = "x"\nlacks = ["prog:x"]\n', "/lacks/0"),
        ('name = "x"\npartial = ["program:echo-server"]\n', "/partial/0"),
        ('name = "x"\n[expectations]\n"a/b" = { reason = " " }\n', "/expectations/a~1b/reason"),  # a JSON pointer
        ('version = "1"\n', "(top)"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(KitUsageError, match=rf"^profile {re.escape(str(path))}: {re.escape(where)}: "):
        load_profile(str(path))


def test_a_command_string_is_split_like_a_shell_would(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('name = "p"\n[api]\ncommand = "my-harness --flag \'a b\'"\n')
    assert load_profile(str(path)).api_command == ("my-harness", "--flag", "a b")


def test_relative_paths_are_taken_from_the_profile_folder(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    command = "node ./h.js ../x/y.js /abs/z.js --opt=a/b -e \"require('./x')\" lib"
    path.write_text(f'name = "p"\n[api]\ncommand = {json.dumps(command)}\n')
    assert load_profile(str(path)).api_command == (
        "node",
        str(tmp_path / "h.js"),
        str(tmp_path / ".." / "x" / "y.js"),
        "/abs/z.js",
        "--opt=a/b",
        "-e",
        "require('./x')",
        "lib",
    )


def test_reference_placeholder_names_the_installed_reference() -> None:
    """``{reference}`` lets another interpreter run a file of the reference wherever the kit is installed."""
    from sockspec.implementation import expand

    (harness,) = expand(("{reference}/harness.py",))
    assert Path(harness).is_file() and Path(harness).parent.name == "sockspec_reference"


def test_requires_names_what_this_machine_lacks(tmp_path: Path) -> None:
    """A peer that cannot be installed here makes its cases N/A, never FAIL: the profile says what it needs."""
    (tmp_path / "here").write_text("")
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "p"\nrequires = ["sh", "./here", "./gone", "no-such-program-sockspec", "python:json", "python:no_such"]'
    )
    assert load_profile(str(path)).absent() == (str(tmp_path / "gone"), "no-such-program-sockspec", "python:no_such")


@pytest.mark.parametrize(
    ("needs", "surface"),
    [
        ("no-such-program-sockspec", '[programs]\ncommand = ["nothing"]'),
        ("python:no_such_module_sockspec", '[api]\nmodule = "no_such_module_sockspec"'),  # never imported
    ],
)
def test_a_profile_whose_peer_is_absent_is_not_judged(tmp_path: Path, needs: str, surface: str) -> None:
    path = tmp_path / "absent.toml"
    path.write_text(f'name = "absent"\nrequires = ["{needs}"]\n{surface}\n')
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "specs", "--impl", str(path), "-q", "-p", "no:cacheprovider", "-p", "no:html",
         "--report-dir", str(tmp_path / "r"), "--req", "s11.*"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "r" / "absent.json").read_text())
    assert {case["verdict"] for case in report["cases"]} == {"N/A"}
    assert f"absent needs {needs}, which this machine does not have" in report["cases"][0]["message"]
    assert "absent was not judged: every case is N/A or UNSUPPORTED" in done.stdout

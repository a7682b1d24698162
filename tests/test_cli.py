"""The ``sockspec`` command: ``init``, ``--version`` and what ``run`` hands to pytest."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sockspec.cli import main
from sockspec.cli.run import pytest_args
from sockspec.documents import validate
from sockspec.locations import RUN_INI, SPECS, SUITE_ROOT


def test_init_writes_a_valid_commented_profile_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "myimpl"]) == 0
    text = (tmp_path / "myimpl.toml").read_text()
    validate(tomllib.loads(text), "profile", "myimpl.toml")
    assert text.startswith("# sockspec profile of myimpl")
    assert main(["init", "myimpl"]) == 4
    assert capsys.readouterr().err == "init: myimpl.toml exists; not overwriting it\n"
    assert (tmp_path / "myimpl.toml").read_text() == text


def test_init_refuses_a_name_that_cannot_name_a_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "my impl"]) == 4
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("sockspec ")


def test_run_is_pytest_on_the_suite_with_reports_and_cache_in_the_current_folder(tmp_path: Path) -> None:
    args = pytest_args(["--impl", "node", "-q"], tmp_path)
    assert args[:4] == ["-c", str(RUN_INI), "--rootdir", str(SUITE_ROOT)]
    assert f"cache_dir={tmp_path / '.pytest_cache'}" in args
    assert args[-3:] == ["node", "-q", str(SPECS)]

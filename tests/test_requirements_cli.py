"""``python -m sockspec requirements``: the catalogue as a table, Markdown or one JSON document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockspec.__main__ import main
from sockspec.requirements import Catalogue
from tests.conftest import ROOT

DATA = ROOT / "specs" / "data"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(DATA)


def listing(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["requirements", "--spec-data", str(DATA), *args]) == 0
    return capsys.readouterr().out


def test_json_holds_every_requirement(capsys: pytest.CaptureFixture[str], catalogue: Catalogue) -> None:
    doc = json.loads(listing(capsys, "--format", "json"))
    by_id = {req["id"]: req for req in doc["requirements"]}
    assert list(by_id) == [req.id for req in catalogue]
    for req in catalogue:
        assert by_id[req.id]["statement"] == req.statement
        assert by_id[req.id]["cite"] == list(req.cite)
        assert len(by_id[req.id]["vectors"]) == len(catalogue.vectors(req.id))
    assert by_id["s05.htonl.value"]["vectors"][0]["kind"] == "returns-by-byte-order"


def test_table_is_one_line_per_requirement(capsys: pytest.CaptureFixture[str], catalogue: Catalogue) -> None:
    lines = listing(capsys).splitlines()
    assert len(lines) == len(catalogue)
    first = next(iter(catalogue))
    assert lines[0].split(None, 2) == [first.id, first.level, first.statement]


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_section_filters(capsys: pytest.CaptureFixture[str], catalogue: Catalogue, fmt: str) -> None:
    text = listing(capsys, "--section", "5", "--format", fmt)
    in_five = {req.id for req in catalogue if req.section == 5}
    others = {req.id for req in catalogue if req.section != 5}
    assert all(req_id in text for req_id in in_five)
    assert not any(req_id in text for req_id in others)


def test_markdown_has_a_table_per_section(capsys: pytest.CaptureFixture[str]) -> None:
    text = listing(capsys, "--format", "markdown")
    assert text.count("| ID | Level | Statement | Sources |") == 11
    assert "## §5 Byte order" in text


@pytest.mark.parametrize("args", [["--section", "12"], ["--section", "five"], ["--format", "yaml"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["requirements", *args])
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_missing_data_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["requirements", "--spec-data", str(tmp_path)]) == 1
    assert "no requirement files" in capsys.readouterr().err

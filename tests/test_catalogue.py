"""Sanity of the specification itself: data files, IDs, citations, coverage."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sockspec.citations import citation_label
from sockspec.documents import validator
from sockspec.errors import KitUsageError
from sockspec.requirements import DATA_GLOB, Catalogue, _read
from tests.conftest import ROOT

DATA_DIR = ROOT / "specs" / "data"
FILES = sorted(DATA_DIR.glob(DATA_GLOB))
SCHEMA = json.loads((ROOT / "sockspec" / "schemas" / "spec-data.schema.json").read_text(encoding="utf-8"))
KINDS: list[str] = SCHEMA["$defs"]["vector"]["properties"]["kind"]["enum"]
API_SECTIONS = {1, 3, 4, 5, 6, 8, 9}
MODAL = re.compile(r"\b(should|must|shall|ought)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(DATA_DIR)


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Requirement -> spec test IDs, as the plugin sees them at collection."""
    out = tmp_path_factory.mktemp("audit") / "audit.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "specs",
            "--collect-only",
            "-q",
            "-p",
            "no:html",
            "-p",
            "no:cacheprovider",
            "--sockspec-audit",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_data_file_matches_schema(path: Path) -> None:
    doc = _read(path)
    assert path.name.startswith(f"s{doc['section']:02d}_"), "file name must start with its section"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_statements_and_descriptions_are_facts(path: Path) -> None:
    doc = _read(path)
    texts = [r["statement"] for r in doc["requirements"]] + [v["description"] for v in doc.get("vectors", [])]
    modal = [t for t in texts if MODAL.search(t)]
    assert not modal, f"state facts, not obligations (the level says how binding): {modal}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_vector_descriptions_are_unique_per_requirement(path: Path) -> None:
    seen: set[tuple[str, str]] = set()
    for vec in _read(path).get("vectors", []):
        key = (vec["requirement"], vec["description"])
        assert key not in seen, f"duplicate vector description {key}"
        seen.add(key)


def test_requirement_ids_are_unique_across_files() -> None:
    ids = [r["id"] for path in FILES for r in _read(path)["requirements"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes


def test_every_citation_is_understood(catalogue: Catalogue) -> None:
    for req in catalogue:
        assert req.cite, req.id
        for cite in req.cite:
            assert citation_label(cite)


def test_every_requirement_has_a_test(catalogue: Catalogue, audit: dict[str, list[str]]) -> None:
    untested = sorted(req.id for req in catalogue if not audit.get(req.id))
    assert not untested, f"requirements without any spec case: {untested}"


def test_every_api_section_is_covered(catalogue: Catalogue) -> None:
    covered = {req.section for req in catalogue if req.surface == "api"}
    assert covered >= API_SECTIONS, f"API sections without requirements: {sorted(API_SECTIONS - covered)}"


@pytest.mark.parametrize("surface", ["api", "program"])
def test_every_section_is_covered_on_both_surfaces(catalogue: Catalogue, surface: str) -> None:
    covered = {req.section for req in catalogue if req.surface == surface}
    assert covered == set(range(1, 12)), f"{surface} surface lacks sections {sorted(set(range(1, 12)) - covered)}"


def test_program_requirements_name_their_recipe(catalogue: Catalogue) -> None:
    from sockspec.implementation import RECIPES

    for req in catalogue:
        if req.surface == "program":
            recipes = {need.removeprefix("program:") for need in req.needs if need.startswith("program:")}
            assert recipes and recipes <= set(RECIPES), f"{req.id}: needs {req.needs}"


def _vectors() -> list[dict]:
    return [vec for path in FILES for vec in _read(path).get("vectors", [])]


def test_every_vector_kind_has_a_definition() -> None:
    defined = {name.removeprefix("kind.") for name in SCHEMA["$defs"] if name.startswith("kind.")}
    dispatched = {rule["if"]["properties"]["kind"]["const"] for rule in SCHEMA["$defs"]["vector"]["allOf"]}
    used = {vec["kind"] for vec in _vectors()}
    assert defined == set(KINDS) == dispatched
    assert used == set(KINDS), f"kinds no vector uses: {sorted(set(KINDS) - used)}"


@pytest.mark.parametrize("kind", KINDS)
def test_kind_describes_its_fields(kind: str) -> None:
    definition = SCHEMA["$defs"][f"kind.{kind}"]
    assert definition.get("description"), "say what the kind means"
    fields = definition["properties"]
    assert fields, "a kind with no fields says nothing"
    for name, schema in fields.items():
        assert schema not in ({}, True), f"{name}: give it a type and a meaning"
        assert {"type", "$ref", "enum", "oneOf", "anyOf"} & set(schema), f"{name}: give it a type"


def test_a_requirement_has_one_vector_kind() -> None:
    kinds: dict[str, set[str]] = {}
    for vec in _vectors():
        kinds.setdefault(vec["requirement"], set()).add(vec["kind"])
    mixed = {req: sorted(k) for req, k in kinds.items() if len(k) > 1}
    assert not mixed


WRONG_SHAPES = {
    "no kind": {"input": 1, "expect": 1},
    "unknown kind": {"kind": "guess", "input": 1, "expect": 1},
    "returns without expect": {"kind": "returns", "input": "127.0.0.1"},
    "returns with raises": {"kind": "returns", "input": 1, "expect": 1, "raises": ["OSError"]},
    "raises an unknown exception": {"kind": "raises", "input": 1, "raises": ["KeyError"]},
    "byte order without little": {"kind": "returns-by-byte-order", "input": 1, "expect": {"big": 1}},
    "usage with a number": {"kind": "usage", "input": [80]},
    "lines as one string": {"kind": "lines", "input": [], "expect": "Host name: {host_name}"},
    "time client with an unknown fault": {"kind": "time-client", "input": {"fault": "late"}},
    "echo client without encoding": {"kind": "echo-client", "input": {"message": "hi"}},
    "hex with odd digits": {"kind": "echo-payload", "input": {"hex": "abc"}},
    "reply field with both checks": {
        "kind": "sntp-reply-field",
        "input": {"version": 4},
        "expect": 0,
        "accept": [0, 1],
    },
}


def _with_vector(fields: dict) -> dict:
    vector = {"requirement": "s05.t.x", "description": "one vector", **fields}
    return {"section": 5, "title": "t", "requirements": [], "vectors": [vector]}


def test_a_vector_of_the_right_shape_is_accepted() -> None:
    assert validator("spec-data").is_valid(_with_vector({"kind": "returns", "input": 1, "expect": 1}))


@pytest.mark.parametrize("fields", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_vector_of_the_wrong_shape_is_rejected(fields: dict) -> None:
    assert not validator("spec-data").is_valid(_with_vector(fields))


def test_encoded_text_vectors_agree_with_their_bytes() -> None:
    for vec in _vectors():
        if vec["kind"] == "echo-text" and "expect" in vec:
            assert vec["input"]["text"].encode(vec["input"]["encoding"]).hex() == vec["expect"], vec["description"]


def test_docs_show_a_real_vector_of_each_kind() -> None:
    """docs/vectors.md is for runners in other languages: its examples are the data's own vectors."""
    text = (ROOT / "docs" / "vectors.md").read_text(encoding="utf-8")
    known = {(v["requirement"], v["description"]): {k: x for k, x in v.items() if k != "comment"} for v in _vectors()}
    joined = text.replace(",\n ", ", ")  # the one example written over two lines
    shown = [json.loads(m.group(0)) for m in re.finditer(r'\{"requirement".*\}(?=`|$)', joined, re.M)]
    for example in shown:
        assert known.get((example["requirement"], example["description"])) == example, example["description"]
    assert {example["kind"] for example in shown} == set(KINDS)


def test_a_file_is_validated_once_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation costs a second a run, so valid bytes are noted; changed bytes are checked again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = sorted((ROOT / "specs" / "data").glob(DATA_GLOB))[0]
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    _read(copy)
    assert len(list((tmp_path / "cache" / "sockspec" / "valid-spec-data").iterdir())) == 1
    doc = json.loads(copy.read_text())
    doc["requirements"][0]["level"] = "MAYBE"
    copy.write_text(json.dumps(doc))
    with pytest.raises(KitUsageError, match=r"/requirements/0/level"):
        _read(copy)

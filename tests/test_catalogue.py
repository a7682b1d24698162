"""Sanity of the specification itself: data files, IDs, citations, coverage."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sockspec.citations import citation_label
from sockspec.requirements import DATA_GLOB, Catalogue, _read
from tests.conftest import ROOT

DATA_DIR = ROOT / "specs" / "data"
FILES = sorted(DATA_DIR.glob(DATA_GLOB))
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

"""Mutants of the reference harness (sockspec_reference/harness.py), each served as an API provider.

mutmut 2 is used as a library, only to make the mutants (one change each: a
number, an operator, a string, a keyword).  Each mutant is written to a
folder of its own with a profile whose ``[api] command`` runs that file
with this interpreter, so parallel runs never share a copy and the harness
in the repository is never touched.  It serves CPython's ``socket``, so a
spec that fails names a change of the harness.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.variants.jobs import Job

HARNESS = Path("sockspec_reference/harness.py")

#: A copy that must be killed: it sends every received byte string reversed.
BROKEN = ('{"$bytes": base64.b64encode(value)', '{"$bytes": base64.b64encode(bytes(value)[::-1])')


@dataclass(frozen=True)
class Mutant:
    """One change of the harness: where, what it was, what it became."""

    name: str
    line: int
    before: str
    after: str
    source: str


def mutants(source: str) -> list[Mutant]:
    """Every mutant mutmut 2 makes of ``source``, numbered from 1."""
    try:
        import mutmut
    except ImportError:
        sys.exit("mutmut 2 is missing: pip install -e '.[mutation]'")
    made = []
    everything = mutmut.Context(source=source, filename=str(HARNESS))
    for number, mutation in enumerate(mutmut.list_mutations(everything), 1):
        changed, _ = mutmut.mutate(mutmut.Context(source=source, mutation_id=mutation, filename=str(HARNESS)))
        index = mutation.line_number
        after = changed.splitlines()[index] if index < len(changed.splitlines()) else ""
        made.append(Mutant(f"m{number:03d}", index + 1, mutation.line.strip(), after.strip(), changed))
    return made


def controls(source: str) -> list[Mutant]:
    """The unchanged harness (must survive) and a deliberately broken one (must be killed)."""
    before, after = BROKEN
    if before not in source:
        sys.exit(f"{HARNESS} no longer holds {before!r}; update BROKEN in {__file__}")
    return [
        Mutant("pristine", 0, "", "", source),
        Mutant("broken", 0, before, after, source.replace(before, after)),
    ]


def job(mutant: Mutant, work: Path, paths: tuple[str, ...]) -> Job:
    """Write ``mutant`` and its profile into a folder of ``work``; the job that judges it."""
    folder = work / mutant.name
    folder.mkdir(parents=True, exist_ok=True)
    harness = folder / "harness.py"
    harness.write_text(mutant.source)
    profile = folder / "profile.toml"
    command = json.dumps([sys.executable, str(harness.resolve())])
    profile.write_text(
        f'name = "harness-{mutant.name}"\n[api]\ncommand = {command}\n[programs]\nonly = []\n', encoding="utf-8"
    )
    return Job(mutant.name, ("--impl", str(profile)), paths)


#: The kit's own tests of the reference harness: it spoken to line by line, malformed input included.
UNIT_TESTS = ("tests/harness/test_reference_harness.py",)


def second_look(made: list[Mutant], root: Path, work: Path, python: str, workers: int) -> dict[str, bool]:
    """Which of ``made`` the kit's own harness tests kill, each in one of ``workers`` copies of the tree."""
    trees: queue.Queue[Path] = queue.Queue()
    for index in range(workers):
        trees.put(copy_tree(root, work / f"tree{index}"))

    def one(mutant: Mutant) -> tuple[str, bool]:
        tree = trees.get()
        try:
            return mutant.name, unit_tests_kill(mutant, tree, python)
        finally:
            trees.put(tree)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(one, made))


def unit_tests_kill(mutant: Mutant, tree: Path, python: str) -> bool:
    """Do the kit's own harness tests fail with ``mutant`` in ``tree``, a copy of the repository?"""
    target = tree / HARNESS
    saved = target.read_text()
    target.write_text(mutant.source)
    try:
        done = subprocess.run(
            [python, "-m", "pytest", *UNIT_TESTS, "-x", "-q", "-p", "no:cacheprovider"],
            cwd=tree,
            capture_output=True,
            timeout=600,
        )
    finally:
        target.write_text(saved)
    return done.returncode != 0


def copy_tree(root: Path, dest: Path) -> Path:
    """The repository's tracked files, as they are now, in ``dest``."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    for name in filter(None, files.split(b"\0")):
        source = root / name.decode()
        if source.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name.decode())
    return dest

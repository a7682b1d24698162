"""The survivors that the contract cannot see, each with the reason why.

``scripts/mutation/equivalent.toml`` is data: one table per reason, its
``why`` and the ids of the mutants it covers.  A survivor listed there is
*equivalent under the contract* (docs/programs.md): no program the contract
allows could tell it from the reference.  The score leaves those out of its
denominator; every other survivor is a gap that the report names.  An entry
whose mutant was killed, or that no longer names a mutant, is stale and
reported too, so the list cannot drift from the code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

LIST = Path(__file__).with_name("equivalent.toml")


@dataclass(frozen=True)
class Equivalents:
    """mutant id -> the reason (a table name of the list)."""

    reasons: dict[str, str]
    why: dict[str, str]

    @classmethod
    def load(cls, path: Path = LIST) -> Equivalents:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
        reasons: dict[str, str] = {}
        for name, table in tables.items():
            for mutant in table["mutants"]:
                if mutant in reasons:
                    raise SystemExit(f"{path}: {mutant} is listed under both {reasons[mutant]} and {name}")
                reasons[mutant] = name
        return cls(reasons, {name: table["why"] for name, table in tables.items()})

    def stale(self, results: dict[str, str], files: set[str]) -> list[str]:
        """Listed ids of ``files`` that are no survivor in ``results`` (id -> status): killed, or gone."""
        return sorted(
            mutant
            for mutant in self.reasons
            if mutant.split(":", 1)[0] in files and results.get(mutant, "gone") not in ("survived", "flaky")
        )

"""The requirement catalogue: every behaviour the kit checks, loaded from data.

Requirements and their vectors live in ``specs/data/sNN_*.json`` so that a
runner in any language can use them.  The catalogue validates each file
against ``schemas/spec-data.schema.json`` and the cross-file rules a schema
cannot state (unique IDs, IDs prefixed by their section, vectors naming a
known requirement) before any spec runs: a verdict built on a broken
catalogue would mislead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sockspec.documents import schema_path, validate
from sockspec.errors import KitUsageError

__all__ = ["LEVELS", "SECTION_TITLES", "Catalogue", "Requirement", "Vector"]

LEVELS = ("MUST", "SHOULD", "INFO")

#: The tutorial's eleven sections, by number.
SECTION_TITLES: Mapping[int, str] = {
    1: "Local machine info",
    2: "Remote lookup",
    3: "IPv4 conversion",
    4: "Services",
    5: "Byte order",
    6: "Timeouts and blocking",
    7: "Errors",
    8: "Buffer sizes",
    9: "Address reuse",
    10: "Time (NTP/SNTP)",
    11: "Echo",
}

DATA_GLOB = "s[0-9][0-9]_*.json"


@dataclass(frozen=True)
class Requirement:
    """One checkable behaviour, with the source that documents it."""

    id: str
    section: int
    level: str
    surface: str
    statement: str
    cite: tuple[str, ...]
    needs: tuple[str, ...]
    accepts: str = ""
    source: str = ""


@dataclass(frozen=True)
class Vector:
    """One test vector; ``data`` keeps every field so specs can read their own."""

    requirement: str
    description: str
    data: Mapping[str, Any] = field(repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


class Catalogue:
    """All requirements and vectors of one specs tree, validated on load."""

    def __init__(self, requirements: dict[str, Requirement], vectors: dict[str, list[Vector]]):
        self._requirements = requirements
        self._vectors = vectors

    @classmethod
    def load(cls, data_dir: Path) -> Catalogue:
        """Read and validate every ``sNN_*.json`` file under ``data_dir``."""
        files = sorted(data_dir.glob(DATA_GLOB))
        if not files:
            raise KitUsageError(f"no requirement files matching {DATA_GLOB} in {data_dir}")
        requirements: dict[str, Requirement] = {}
        vectors: dict[str, list[Vector]] = {}
        for path in files:
            doc = _read(path)
            section = doc["section"]
            for raw in doc["requirements"]:
                req = _requirement(raw, section, path)
                if req.id in requirements:
                    other = requirements[req.id].source
                    raise KitUsageError(f"{path.name}: requirement {req.id!r} is also declared in {other}")
                requirements[req.id] = req
            for raw in doc.get("vectors", []):
                vec = Vector(raw["requirement"], raw["description"], raw)
                vectors.setdefault(vec.requirement, []).append(vec)
        for req_id, vecs in vectors.items():
            if req_id not in requirements:
                raise KitUsageError(f"vector {vecs[0].description!r} names unknown requirement {req_id!r}")
        return cls(requirements, vectors)

    def __iter__(self) -> Iterator[Requirement]:
        return iter(sorted(self._requirements.values(), key=lambda r: (r.section, r.id)))

    def __len__(self) -> int:
        return len(self._requirements)

    def __contains__(self, req_id: object) -> bool:
        return req_id in self._requirements

    def get(self, req_id: str) -> Requirement:
        try:
            return self._requirements[req_id]
        except KeyError:
            raise KitUsageError(f"unknown requirement {req_id!r}: declare it in specs/data first") from None

    def vectors(self, req_id: str) -> list[Vector]:
        """The vectors of ``req_id``, in file order (empty if it has none)."""
        self.get(req_id)
        return list(self._vectors.get(req_id, []))


def _read(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
        doc: dict[str, Any] = json.loads(data)
    except (OSError, ValueError) as exc:
        raise KitUsageError(f"{path}: cannot read requirement file: {exc}") from exc
    mark = _valid_mark(data)
    if mark is not None and mark.exists():
        return doc
    validate(doc, "spec-data", path.name)
    if mark is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.touch()
    return doc


def _valid_mark(data: bytes) -> Path | None:
    """Where the kit notes that this file's bytes passed this schema (about a second of every run's start).

    The name is a digest of the schema, the jsonschema version and the
    file's bytes, so any change to one of them validates the file again.
    """
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(cache):
        return None
    digest = hashlib.sha256(_schema_identity() + data).hexdigest()
    return Path(cache) / "sockspec" / "valid-spec-data" / digest


@cache
def _schema_identity() -> bytes:
    from importlib.metadata import version

    return schema_path("spec-data").read_bytes() + version("jsonschema").encode()


def _requirement(raw: Mapping[str, Any], section: int, path: Path) -> Requirement:
    req_id = raw["id"]
    if not req_id.startswith(f"s{section:02d}."):
        raise KitUsageError(
            f"{path.name}: requirement {req_id!r} is not in section {section} (expected prefix s{section:02d}.)"
        )
    default_needs = ("api",) if raw["surface"] == "api" else ()
    return Requirement(
        id=req_id,
        section=section,
        level=raw["level"],
        surface=raw["surface"],
        statement=raw["statement"],
        cite=tuple(raw["cite"]),
        needs=tuple(raw.get("needs", default_needs)),
        accepts=raw.get("accepts", ""),
        source=path.name,
    )

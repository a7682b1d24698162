"""The requirement catalogue as text: ``python -m sockspec requirements``.

A reviewer reads what the kit checks without opening the data files, and a
runner in another language can take the whole catalogue, vectors included,
as one JSON document (the vector kinds are docs/vectors.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sockspec.citations import citation_label
from sockspec.requirements import SECTION_TITLES, Catalogue, Requirement

__all__ = ["FORMATS", "render", "requirements_document"]

FORMATS = ("table", "markdown", "json")


def _selected(catalogue: Catalogue, section: int | None) -> list[Requirement]:
    return [req for req in catalogue if section is None or req.section == section]


def requirements_document(catalogue: Catalogue, section: int | None = None) -> dict[str, Any]:
    """Every requirement (of ``section``, if given) with its vectors, as plain JSON data."""
    requirements = []
    for req in _selected(catalogue, section):
        entry: dict[str, Any] = {
            "id": req.id,
            "section": req.section,
            "level": req.level,
            "surface": req.surface,
            "statement": req.statement,
            "cite": list(req.cite),
            "needs": list(req.needs),
        }
        if req.accepts:
            entry["accepts"] = req.accepts
        entry["source"] = req.source
        entry["vectors"] = [
            {key: value for key, value in vec.data.items() if key != "requirement"} for vec in catalogue.vectors(req.id)
        ]
        requirements.append(entry)
    shown = sorted({req["section"] for req in requirements})
    return {"sections": {str(n): SECTION_TITLES[n] for n in shown}, "requirements": requirements}


def _table(requirements: Sequence[Requirement]) -> str:
    width = max((len(req.id) for req in requirements), default=0)
    return "".join(f"{req.id:<{width}}  {req.level:<6}  {req.statement}\n" for req in requirements)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(requirements: Iterable[Requirement]) -> str:
    lines: list[str] = []
    section = None
    for req in requirements:
        if req.section != section:
            section = req.section
            if lines:
                lines.append("")
            lines += [
                f"## §{section} {SECTION_TITLES[section]}",
                "",
                "| ID | Level | Statement | Sources |",
                "|---|---|---|---|",
            ]
        sources = ", ".join(citation_label(cite) for cite in req.cite)
        lines.append(f"| `{req.id}` | {req.level} | {_cell(req.statement)} | {_cell(sources)} |")
    return "\n".join(lines) + "\n" if lines else ""


def render(catalogue: Catalogue, fmt: str, section: int | None = None) -> str:
    """The catalogue (or one section of it) in ``fmt``, one of :data:`FORMATS`."""
    if fmt == "json":
        return json.dumps(requirements_document(catalogue, section), indent=1, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(_selected(catalogue, section))
    if fmt == "table":
        return _table(_selected(catalogue, section))
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")

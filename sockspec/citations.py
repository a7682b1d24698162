"""Turn compact citations ('rfc4330:5', 'man:inet(3)') into links.

The URL templates live here once, so data files stay short and a mirror can
be swapped in one place.
"""

from __future__ import annotations

import re

__all__ = ["citation_label", "citation_url"]

_TEMPLATES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^tutorial:(?P<s>\d+)$"), "", "tutorial §{s}"),
    (
        re.compile(r"^rfc(?P<n>\d+):(?P<s>[\d.]+)$"),
        "https://www.rfc-editor.org/rfc/rfc{n}#section-{s}",
        "RFC {n} §{s}",
    ),
    (re.compile(r"^rfc(?P<n>\d+)$"), "https://www.rfc-editor.org/rfc/rfc{n}", "RFC {n}"),
    (
        re.compile(r"^man:(?P<page>[a-z0-9_.-]+)\((?P<n>\d)\)$"),
        "https://man7.org/linux/man-pages/man{n}/{page}.{n}.html",
        "{page}({n})",
    ),
    (
        re.compile(r"^pydoc:(?P<name>[A-Za-z0-9_.]+)$"),
        "https://docs.python.org/3/library/{module}.html#{name}",
        "Python docs: {name}",
    ),
)


def _match(cite: str) -> tuple[str, str]:
    for pattern, url, label in _TEMPLATES:
        m = pattern.match(cite)
        if m:
            fields = dict(m.groupdict())
            if "name" in fields:
                fields["module"] = fields["name"].split(".")[0]
            return url.format(**fields), label.format(**fields)
    raise ValueError(f"unknown citation form {cite!r}")


def citation_url(cite: str) -> str:
    """The web address for ``cite``, or '' for the tutorial (which ships with the kit)."""
    return _match(cite)[0]


def citation_label(cite: str) -> str:
    """A short human label for ``cite``, e.g. 'RFC 4330 §5'."""
    return _match(cite)[1]

"""Where the kit's shipped files are: the spec suite, the profiles, the example adapters.

In a checkout ``specs/``, ``profiles/`` and ``examples/`` sit at the
repository root beside ``sockspec/``.  The wheel carries the same three
folders inside the package, under ``sockspec/suite/`` (``pyproject.toml``
maps them there), so one relative layout holds in both places and a profile
can name an adapter by a path relative to itself.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROFILES", "RUN_INI", "SPECS", "SUITE_ROOT"]

_PACKAGE = Path(__file__).resolve().parent


def _suite_root() -> Path:
    installed = _PACKAGE / "suite"
    return installed if (installed / "specs").is_dir() else _PACKAGE.parent


#: The folder that holds ``specs/``, ``profiles/`` and ``examples/``; the rootdir of ``sockspec run``.
SUITE_ROOT = _suite_root()
SPECS = SUITE_ROOT / "specs"
PROFILES = SUITE_ROOT / "profiles"
#: pytest's settings for ``sockspec run``, the spec-run part of the repository's pytest.ini.
RUN_INI = _PACKAGE / "run.ini"

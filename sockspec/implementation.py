"""What is under test: the implementation's name, API provider and programs.

The rest of the kit asks this object, never the command line or a profile
file, so both are read in exactly one place (:mod:`sockspec.profiles`).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sockspec.errors import KitUsageError

if TYPE_CHECKING:
    from sockspec.targets import Target

__all__ = [
    "DEFAULT_MODULE",
    "DEFAULT_PROGRAMS",
    "RECIPES",
    "Expectation",
    "Implementation",
    "expand",
    "is_path",
    "transport_of",
]

DEFAULT_MODULE = "socket"
#: ``{python}`` stands for the interpreter running the kit.
DEFAULT_PROGRAMS = ("{python}", "-m", "sockspec_reference")

#: The recipe programs of the program surface, named after the tutorial's scripts.
RECIPES = (
    "show-ip",
    "remote-ip",
    "ip4-convert",
    "service-name",
    "byte-order",
    "socket-timeout",
    "socket-modes",
    "http-get",
    "buffer-size",
    "reuse-server",
    "ntp-time",
    "sntp-time",
    "sntp-server",
    "echo-server",
    "echo-client",
)
#: Server recipes that listen on UDP (docs/programs.md); every other server recipe listens on TCP.
_UDP_SERVERS = frozenset({"sntp-server"})


def transport_of(recipe: str) -> str:
    """The transport a server recipe listens on, which tells the kit what kind of socket to wait for."""
    return "udp" if recipe in _UDP_SERVERS else "tcp"


def expand(argv: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Replace ``{python}`` with the interpreter running the kit and ``{reference}`` with the reference's folder.

    ``{reference}`` lets a profile run a file of the reference with another
    interpreter (PyPy runs ``{reference}/harness.py``) wherever the kit is
    installed; the folder is found without importing the reference.
    """
    return tuple(part.replace("{python}", sys.executable).replace("{reference}", _reference_dir()) for part in argv)


@cache
def _reference_dir() -> str:
    spec = importlib.util.find_spec("sockspec_reference")
    origin = spec.origin if spec is not None else None
    return str(Path(origin).parent) if origin else "sockspec_reference"


#: A ``requires`` entry ``python:NAME`` names a module that the kit's interpreter must find.
_MODULE_ENTRY = "python:"


def _present(need: str) -> bool:
    """Whether this machine has what one ``requires`` entry names: a Python module, a path or a program on PATH."""
    if need.startswith(_MODULE_ENTRY):
        try:  # finds without importing (a dotted name imports its parents)
            return importlib.util.find_spec(need.removeprefix(_MODULE_ENTRY)) is not None
        except (ImportError, ValueError):
            return False
    if is_path(need) or os.path.isabs(need):
        return os.path.exists(need)
    return shutil.which(need) is not None


def is_path(word: str) -> bool:
    """Whether a word of a command names a file by a path, such as ``./run`` or ``../lib/x.js``.

    Such a word has a ``/`` and only the characters of plain file names, so
    options, URLs, ``{python}`` and inline code (``-e "require('./x')"``) are
    not paths.  A profile's relative paths are taken relative to its folder,
    and the preflight checks that each path exists (docs/architecture.md); a
    bare name (``node``) is looked up on PATH, as a shell would.
    """
    return not word.startswith("-") and re.fullmatch(r"[\w.+~@%,-]*/[\w.+~@%,/-]*", word) is not None


@dataclass(frozen=True)
class Expectation:
    """A requirement the IUT is known to fail, and the evidence for it.

    ``intermittent``: the failure hangs on timing (a race inside the IUT), so
    a run may pass every case; such a pass is not a stale expectation.
    """

    reason: str
    link: str = ""
    intermittent: bool = False


@dataclass(frozen=True)
class Implementation:
    """An implementation under test (IUT) and how to reach its two surfaces.

    The API surface is either an importable Python module (``api_module``)
    or a harness command speaking the NDJSON protocol (``api_command``).
    """

    name: str
    version: str = ""
    description: str = ""
    api_module: str = DEFAULT_MODULE
    api_command: tuple[str, ...] = ()
    program_prefix: tuple[str, ...] = DEFAULT_PROGRAMS
    lacks: frozenset[str] = field(default_factory=frozenset)
    #: API capabilities served only for some forms of argument or result (a profile's ``partial``):
    #: under ``--strict`` a harness may answer ``Unsupported`` to these calls alone.
    partial: frozenset[str] = field(default_factory=frozenset)
    #: Why a capability is lacked, where the user did not declare it (e.g. ``--target`` alone).
    lack_reasons: Mapping[str, str] = field(default_factory=dict)
    #: Servers under test that run elsewhere (``--target``), judged where they are.
    targets: tuple[Target, ...] = ()
    expectations: Mapping[str, Expectation] = field(default_factory=dict)
    #: Programs, paths or ``python:MODULE`` the implementation needs on this machine (a profile's ``requires``).
    requires: tuple[str, ...] = ()
    source: str = ""

    def absent(self) -> tuple[str, ...]:
        """What of ``requires`` this machine lacks: a missing peer makes every case N/A, never a FAIL."""
        return tuple(need for need in expand(self.requires) if not _present(need))

    @property
    def programs(self) -> tuple[str, ...]:
        """The program command prefix, ready to run."""
        return expand(self.program_prefix)

    def target(self, recipe: str) -> Target | None:
        """The address ``--target`` gave for ``recipe``, if the server runs elsewhere."""
        return next((t for t in self.targets if t.recipe == recipe), None)

    @property
    def harness(self) -> tuple[str, ...]:
        """The harness command, ready to run (empty for a module provider)."""
        return expand(self.api_command)

    def import_api(self) -> ModuleType:
        """Import the module that provides the socket API, or explain why not."""
        try:
            return importlib.import_module(self.api_module)
        except Exception as exc:  # any import-time failure is a usage problem
            raise KitUsageError(
                f"--impl-module: cannot import {self.api_module!r}: {type(exc).__name__}: {exc}"
            ) from exc

    def api_description(self) -> str:
        """Where the API surface comes from, with a version, for the report."""
        if "api" in self.lacks:
            return "none (the API surface is not judged)"
        if self.api_command:
            return "harness: " + " ".join(self.harness)
        absent = self.absent()
        if absent:
            return f"module {self.api_module} (not judged: this machine lacks {', '.join(absent)})"
        module = self.import_api()
        version = getattr(module, "__version__", None)
        if version is None and self.api_module in sys.stdlib_module_names:
            version = f"{sys.implementation.name} {sys.version.split()[0]} standard library"
        return f"module {self.api_module} ({version or 'version unknown'})"

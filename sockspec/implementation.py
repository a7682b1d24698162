"""What is under test: the implementation's name, API provider and programs.

The rest of the kit asks this object, never the command line, so options
and (later) profile files are read in exactly one place.
"""

from __future__ import annotations

import importlib
import shlex
import sys
from dataclasses import dataclass, field
from types import ModuleType

from sockspec.errors import KitUsageError

__all__ = ["DEFAULT_MODULE", "DEFAULT_PROGRAMS", "Implementation"]

DEFAULT_MODULE = "socket"
#: ``{python}`` stands for the interpreter running the kit.
DEFAULT_PROGRAMS = "{python} -m reference"


@dataclass(frozen=True)
class Implementation:
    """An implementation under test (IUT) and how to reach its two surfaces."""

    name: str
    api_module: str = DEFAULT_MODULE
    program_prefix: tuple[str, ...] = ()
    lacks: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_options(cls, module: str | None, command: str | None) -> Implementation:
        """Build the IUT from ``--impl-module`` / ``--impl-cmd`` (either may be absent)."""
        prefix = tuple(part.replace("{python}", sys.executable) for part in shlex.split(command or DEFAULT_PROGRAMS))
        if not prefix:
            raise KitUsageError("--impl-cmd: the command prefix is empty")
        if module is None and command is None:
            name = "reference"
        elif command is None:
            name = (module or DEFAULT_MODULE).replace(".", "-")
        else:
            name = prefix[-1].rsplit("/", 1)[-1] if module is None else f"{module}+{prefix[-1]}"
        return cls(name=_slug(name), api_module=module or DEFAULT_MODULE, program_prefix=prefix)

    def import_api(self) -> ModuleType:
        """Import the module that provides the socket API, or explain why not."""
        try:
            return importlib.import_module(self.api_module)
        except Exception as exc:  # any import-time failure is a usage problem
            raise KitUsageError(
                f"--impl-module: cannot import {self.api_module!r}: {type(exc).__name__}: {exc}"
            ) from exc

    def api_version(self) -> str:
        """A version string for the API provider, for the report."""
        module = self.import_api()
        version = getattr(module, "__version__", None)
        if version is None and self.api_module in sys.stdlib_module_names:
            impl = sys.implementation
            return f"{impl.name} {sys.version.split()[0]} standard library"
        return str(version) if version is not None else "unknown"


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_.+" else "-" for ch in text).strip("-") or "iut"

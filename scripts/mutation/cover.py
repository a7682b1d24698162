"""Which program spec modules can see a change to which file of the reference.

A recipe module is judged by the spec modules of its section (``SPECS``).  A
file is covered by every recipe that imports it, directly or through other
files of the package; the modules every run imports (the command line and
what it needs) are covered by all of them.  Running only those modules for a
file's mutants is what makes the run fast enough to repeat.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "sockspec_reference"

#: recipe module -> the spec modules that run it.
SPECS: dict[str, tuple[str, ...]] = {
    "show_ip": ("specs/program/test_s01_show_ip.py",),
    "remote_ip": ("specs/program/test_s02_remote_ip.py",),
    "ip4_convert": ("specs/program/test_s03_ip4_convert.py",),
    "service_name": ("specs/program/test_s04_service_name.py",),
    "byte_order": ("specs/program/test_s05_byte_order.py",),
    "socket_timeout": ("specs/program/test_s06_socket_timeout.py",),
    "socket_modes": ("specs/program/test_s06_socket_modes.py",),
    "http_get": ("specs/program/test_s07_http_get.py",),
    "buffer_size": ("specs/program/test_s08_buffer_size.py",),
    "reuse_server": ("specs/program/test_s09_reuse_server.py",),
    "ntp_time": ("specs/program/test_s10_time_clients.py",),
    "sntp_time": ("specs/program/test_s10_time_clients.py",),
    "sntp_server": ("specs/program/test_s10_sntp_server.py",),
    "echo_server": ("specs/program/test_s11_echo_server.py", "specs/program/test_s11_echo_backpressure.py"),
    "echo_client": ("specs/program/test_s11_echo_client.py",),
}

#: what ``python -m sockspec_reference`` imports before it picks a recipe.
ENTRY = f"{PACKAGE}/__main__.py"


def _module_file(root: Path, module: str) -> Path | None:
    """The file of a module of the package, or None for a module outside it."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    base = root / module.replace(".", "/")
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _imports(root: Path, path: Path) -> set[Path]:
    """The package's files that ``path`` imports (a package import brings its ``__init__``)."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                target = _module_file(root, ".".join(parts[:end]))
                if target is not None and target.exists():
                    found.add(target.relative_to(root))
    return found


def _closure(root: Path, start: Path) -> set[Path]:
    """``start`` and everything it imports from the package, transitively."""
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(_imports(root, root / path))
    return seen


def table(root: Path) -> dict[str, tuple[str, ...]]:
    """file of the package (relative to ``root``) -> the spec modules covering it, in section order."""
    every = tuple(dict.fromkeys(spec for specs in SPECS.values() for spec in specs))
    covering: dict[str, set[str]] = {}
    for path in _closure(root, Path(ENTRY)):
        covering.setdefault(str(path), set()).update(every)
    for recipe, specs in SPECS.items():
        for path in _closure(root, Path(PACKAGE, "recipes", f"{recipe}.py")):
            covering.setdefault(str(path), set()).update(specs)
    return {path: tuple(spec for spec in every if spec in specs) for path, specs in sorted(covering.items())}

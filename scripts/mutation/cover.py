"""Which program spec modules can see a change to which file of the reference.

A recipe module is judged by the spec modules of its section (``SPECS``).  A
file is covered by every recipe that imports it, directly or through other
files of the package; the modules every run imports (the command line and
what it needs) are covered by all of them.  Inside a shared file, a top-level
function or class is covered only by the recipes that import that name
(``from module import name``: the package imports no other way), or that use
it through another of the file's names; a name nothing imports falls back to
the whole file's cover.  Running only those modules for a mutant is what
makes the run fast enough to repeat.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

PACKAGE = "sockspec_reference"
T = TypeVar("T")

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
    "echo_server": (
        "specs/program/test_s11_echo_server.py",
        "specs/program/test_s11_echo_server_process.py",
        "specs/program/test_s11_echo_backpressure.py",
    ),
    "echo_client": ("specs/program/test_s11_echo_client.py",),
}

#: program spec modules that start no recipe of the reference (they need the Internet).
UNMAPPED = frozenset({"specs/program/test_online.py"})


def unmapped(root: Path) -> list[str]:
    """Program spec modules that ``SPECS`` forgets: their cases would judge no mutant."""
    listed = {module for modules in SPECS.values() for module in modules} | UNMAPPED
    found = (str(path.relative_to(root)) for path in sorted((root / "specs/program").glob("test_*.py")))
    return [module for module in found if module not in listed]


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


def _reachable(start: T, step: Callable[[T], Iterable[T]]) -> set[T]:
    """``start`` and everything ``step`` leads to from it, transitively."""
    seen: set[T] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(step(current))
    return seen


def _closure(root: Path, start: Path) -> set[Path]:
    """``start`` and everything it imports from the package, transitively."""
    return _reachable(start, lambda path: _imports(root, root / path))


_EVERY = tuple(dict.fromkeys(spec for specs in SPECS.values() for spec in specs))


def _ordered(specs: set[str]) -> tuple[str, ...]:
    return tuple(spec for spec in _EVERY if spec in specs)


def _file_cover(root: Path) -> dict[str, set[str]]:
    covering: dict[str, set[str]] = {}
    for path in _closure(root, Path(ENTRY)):
        covering.setdefault(str(path), set()).update(_EVERY)
    for recipe, specs in SPECS.items():
        for path in _closure(root, Path(PACKAGE, "recipes", f"{recipe}.py")):
            covering.setdefault(str(path), set()).update(specs)
    return covering


def table(root: Path) -> dict[str, tuple[str, ...]]:
    """file of the package (relative to ``root``) -> the spec modules covering it, in section order."""
    return {path: _ordered(specs) for path, specs in sorted(_file_cover(root).items())}


def _module_name(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def name_table(root: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """(file, top-level name) -> the spec modules covering that function or class (see the module docstring)."""
    files = _file_cover(root)
    trees = {path: ast.parse((root / path).read_text()) for path in files}
    by_module = {_module_name(path): path for path in files}
    direct: dict[tuple[str, str], set[str]] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in by_module:
                for alias in node.names:
                    direct.setdefault((by_module[node.module], alias.name), set()).update(files[path])
    cover: dict[tuple[str, str], tuple[str, ...]] = {}
    for path, tree in trees.items():
        defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)}
        module_level = [n for n in tree.body if n not in defs.values()]
        users: dict[str, set[str]] = {name: set() for name in defs}  # name -> the defs that use it
        for name, node in defs.items():
            for used in {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & defs.keys() - {name}:
                users[used].add(name)
        at_module_level = {n.id for top in module_level for n in ast.walk(top) if isinstance(n, ast.Name)}
        for name in defs:
            specs: set[str] = set(files[path]) if name in at_module_level else set()
            for user in _reachable(name, users.__getitem__):
                specs |= direct.get((path, user), set())
            cover[(path, name)] = _ordered(specs or files[path])
    return cover


class Cover:
    """The spec modules that cover a line of a file: its top-level function's or class's, else the file's."""

    def __init__(self, root: Path) -> None:
        self.files = table(root)
        self.names = name_table(root)
        self.spans: dict[str, list[tuple[int, int, str]]] = {}
        for path in self.files:
            tree = ast.parse((root / path).read_text())
            self.spans[path] = [
                (node.lineno, node.end_lineno or node.lineno, node.name)
                for node in tree.body
                if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            ]

    def specs(self, path: str, line: int) -> tuple[str, ...]:
        for first, last, name in self.spans[path]:
            if first <= line <= last:
                return self.names[(path, name)]
        return self.files[path]

"""Before any case runs: can the implementation start at all?

A harness command that does not exist, a missing interpreter or a mistyped
script path would otherwise fail every case of a surface, one flood of
identical FAILs (and grade an ``[expectations]`` entry EXPECTED-FAIL for the
wrong reason).  So the plugin asks once, on the xdist controller, before
collection: every surface the run judges must be able to start.  If one
cannot, the run stops with one line naming the implementation, its profile
and the command, as a usage error (exit 4), before any report is opened.

What is checked is only what every implementation must do anyway; nothing
here judges a requirement (docs/programs.md fixes no ``--help``):

- a harness (``[api] command``) must answer ``start``;
- a program prefix must start: its first word resolves to an executable,
  every path it names exists (``implementation.is_path``), and
  ``{python} -m MODULE`` names a module this interpreter can run;
- a Python API module must import (done by the plugin as it resolves the
  implementation, see ``Implementation.import_api``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Sequence

from sockspec.errors import IUTError, KitError, KitUsageError
from sockspec.implementation import RECIPES, Implementation, expand, is_path
from sockspec.process import run

__all__ = ["check"]

#: The least time the program probe gets here; a loaded machine must not turn a slow start into exit 4.
#: (A harness's ``start`` has its own start-up allowance: ``sockspec.harness._deadlines``.)
_LEAST_WAIT = 10.0

#: Run by ``{python}``: exit 0 when ``python -m NAME`` would find something to run.
_FINDS_MODULE = """
import importlib.util, sys
try:
    spec = importlib.util.find_spec(sys.argv[1])
    if spec is not None and spec.submodule_search_locations is not None:
        spec = importlib.util.find_spec(sys.argv[1] + ".__main__")
except ImportError:
    spec = None
sys.exit(spec is None)
"""


def check(impl: Implementation, *, timeout: float) -> None:
    """Raise ``KitUsageError`` (one line) if a surface this run judges cannot start."""
    who = f"implementation {impl.name!r} ({impl.source})"
    if "api" not in impl.lacks and impl.api_command:
        _harness(who, impl, timeout)
    if impl.program_prefix and any(f"program:{recipe}" not in impl.lacks for recipe in RECIPES):
        _programs(who, impl.program_prefix, max(timeout, _LEAST_WAIT))


def _harness(who: str, impl: Implementation, timeout: float) -> None:
    from sockspec.harness import HarnessClient  # only harness providers need it

    what = f"{who}: the harness command {shlex.join(impl.harness)!r}"
    _starts(what, impl.harness)
    try:
        with HarnessClient(impl.harness, call_timeout=timeout) as client:
            client.start()
    except (KitUsageError, KitError) as exc:  # KitError: it did not stop as the protocol asks
        raise KitUsageError(f"{what}: {_one_line(str(exc))}") from None
    except IUTError as exc:
        raise KitUsageError(f"{what} did not answer start: {exc.summary()}") from None


def _programs(who: str, prefix: tuple[str, ...], timeout: float) -> None:
    argv = expand(prefix)
    what = f"{who}: the program command {shlex.join(argv)!r}"
    _starts(what, argv)
    if len(prefix) > 2 and tuple(prefix[:2]) == ("{python}", "-m"):
        probe = run([sys.executable, "-c", _FINDS_MODULE, prefix[2]], timeout=timeout)
        if probe.returncode != 0:
            raise KitUsageError(f"{what}: {sys.executable} finds no module {prefix[2]!r} to run")


def _starts(what: str, argv: Sequence[str]) -> None:
    """The command's program resolves to an executable and every path it names exists."""
    program = argv[0]
    if shutil.which(program) is None:
        if "/" not in program:
            problem = f"{program!r} is not found on PATH"
        elif os.path.exists(program):
            problem = f"{program!r} is not an executable file"
        else:
            problem = f"{program!r} does not exist"
        raise KitUsageError(f"{what} cannot start: {problem}")
    for word in argv[1:]:
        if is_path(word) and not os.path.exists(word):
            raise KitUsageError(f"{what} cannot start: it names {word!r}, which does not exist")


def _one_line(text: str) -> str:
    return " ".join(text.split())

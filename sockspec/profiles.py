"""Implementation profiles: a small TOML file per implementation under test.

A profile names the implementation, says how to reach its API surface (a
Python module or a harness command) and its programs, which capabilities it
declares it lacks (or, for a harness, serves only in part), and which
requirements it is known to fail and why::

    name = "pypy"
    version = "7.3"
    lacks = ["program:ntp-time"]    # capabilities: "api", "api.<function>", "program:<recipe>"
    partial = ["api.socket.recv"]   # --strict: served only for some forms (an Unsupported answer)
    requires = ["pypy3"]            # missing here: every case N/A, naming it ("python:gevent": a module)
    [api]
    command = ["pypy3", "./harness.py"]
    [programs]
    command = ["{python}", "-m", "sockspec_reference"]
    only = ["echo-server"]          # optional: every other recipe is lacked
    [expectations]
    "s08.sndbuf.doubling" = { reason = "...", link = "https://..." }

A relative path in a command (a word with a ``/``, such as ``./harness.py``
or ``../examples/node/harness.js``; see ``implementation.is_path``) is taken
relative to the profile's own folder, so a profile works from any current
directory; a bare name (``pypy3``) is looked up on PATH.  The shipped
profiles live in ``profiles/`` and name the examples as ``../examples/...``.

With ``--strict`` a harness is held to what the profile declares: a name
it withholds from its capability list that ``lacks`` does not name, or an
``Unsupported`` answer to a call that ``partial`` does not name, is a KIT
ERROR instead of UNSUPPORTED (docs/harness-protocol.md §3).

Every name a profile uses is checked (:func:`check_names`): a typo in
``lacks``, ``only`` or an ``[expectations]`` key is a usage error that names
the closest known name, never a silently ignored line.

The command-line shorthands ``--impl-module`` and ``--impl-cmd`` override the
matching parts of the chosen profile (the reference profile by default);
``--impl-cmd`` without a profile or module judges the program surface alone,
and ``--recipes`` says which recipes its command provides.
``schemas/profile.schema.json`` describes every key.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import os
import re
import shlex
import socket
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sockspec.documents import validate
from sockspec.errors import KitUsageError
from sockspec.implementation import DEFAULT_MODULE, DEFAULT_PROGRAMS, RECIPES, Expectation, Implementation, is_path
from sockspec.locations import PROFILES
from sockspec.requirements import Catalogue

__all__ = ["PROFILE_DIR", "check_names", "load_profile", "resolve_implementation"]

#: Shipped profiles; ``--impl NAME`` looks here when NAME is not a file.
PROFILE_DIR = PROFILES


def _command(value: str | list[str], folder: Path) -> tuple[str, ...]:
    """A command as the schema allows it (a list, or one string split like a shell would), paths made absolute."""
    words = shlex.split(value) if isinstance(value, str) else value
    return tuple(str(folder / word) if is_path(word) and not os.path.isabs(word) else word for word in words)


def _parse(where: str, doc: dict[str, Any]) -> Implementation:
    validate(doc, "profile", f"profile {where}")
    folder = Path(where).resolve().parent
    api = doc.get("api", {})
    programs = doc.get("programs", {})
    expectations = {
        req_id: Expectation(entry["reason"].strip(), entry.get("link", ""), entry.get("intermittent", False))
        for req_id, entry in doc.get("expectations", {}).items()
    }
    return Implementation(
        name=doc["name"],
        version=str(doc.get("version", "")),
        description=doc.get("description", ""),
        api_module=api.get("module", DEFAULT_MODULE),
        api_command=_command(api["command"], folder) if "command" in api else (),
        program_prefix=_command(programs["command"], folder) if "command" in programs else DEFAULT_PROGRAMS,
        lacks=frozenset(
            [*doc.get("lacks", []), *_not_listed(f"profile {where}: [programs] only", programs.get("only"))]
        ),
        expectations=expectations,
        requires=_command(doc["requires"], folder) if "requires" in doc else (),
        partial=frozenset(doc.get("partial", [])),
        source=where,
    )


def _not_listed(where: str, only: Iterable[str] | None) -> list[str]:
    """``program:`` capabilities for every recipe that ``only`` (the recipes provided) leaves out."""
    if only is None:
        return []
    provided = set(only)
    for recipe in sorted(provided):
        _known(where, "recipe", recipe, RECIPES, f"the recipes are {', '.join(RECIPES)}")
    return [f"program:{recipe}" for recipe in RECIPES if recipe not in provided]


def _known(where: str, what: str, name: str, known: Iterable[str], listing: str) -> None:
    """Refuse ``name`` unless it is in ``known``, naming the closest match (else where the names are listed)."""
    choices = list(known)
    if name in choices:
        return
    close = difflib.get_close_matches(name, choices, n=1)
    raise KitUsageError(f"{where}: unknown {what} {name!r}; " + (f"did you mean {close[0]!r}?" if close else listing))


#: What an ``api.<name>`` capability can name: the functions and constants of the socket API, and
#: (as ``api.socket.<method>``, which a harness lists as ``socket.<method>``) the methods of its sockets.
_API_NAMES = sorted(
    [
        *(f"api.{name}" for name in dir(socket) if not name.startswith("_")),
        *(f"api.socket.{name}" for name in dir(socket.socket) if not name.startswith("_")),
    ]
)
_CAPABILITIES = "a capability is 'api', 'api.<name of the socket API>', 'api.socket.<method>' or 'program:<recipe>'"


def check_names(impl: Implementation, catalogue: Catalogue) -> None:
    """Refuse a name in ``lacks`` or ``partial``, or an ``[expectations]`` key, that the kit does not know."""
    capabilities = ["api", *_API_NAMES, *(f"program:{r}" for r in RECIPES)]
    for capability in sorted(impl.lacks):
        _known(f"{impl.source}: lacks", "capability", capability, capabilities, _CAPABILITIES)
    for capability in sorted(impl.partial):
        _known(f"{impl.source}: partial", "API capability", capability, _API_NAMES, _CAPABILITIES)
    ids = [req.id for req in catalogue]
    for key in sorted(impl.expectations):
        where = f"{impl.source}: [expectations]"
        if any(mark in key for mark in "*?["):
            matched = sum(fnmatch.fnmatchcase(req_id, key) for req_id in ids)
            raise KitUsageError(f"{where}: key {key!r} is a glob (matching {matched} requirements); list each ID")
        _known(where, "requirement ID", key, ids, "'python -m sockspec requirements' lists them")


def load_profile(spec: str) -> Implementation:
    """Load a profile from a path, or by name from the shipped ``profiles/``."""
    given_as_path = spec.endswith(".toml") or "/" in spec
    path = Path(spec) if given_as_path else PROFILE_DIR / f"{spec}.toml"
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))
        raise KitUsageError(f"--impl: no profile {spec!r} (not a file; shipped profiles: {shipped})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KitUsageError(f"--impl: cannot read profile {str(path)!r}: {exc}") from exc
    return _parse(str(path), doc)


def resolve_implementation(
    profile: str | None, module: str | None, command: str | None, recipes: str | None = None
) -> Implementation:
    """The IUT for this run: a profile (default: reference) with shorthands applied.

    ``recipes`` (``--recipes``, comma-separated) lists what ``command``
    provides.  ``command`` alone names no API provider, so the API surface is
    then lacked rather than credited to CPython's ``socket``.
    """
    if recipes is not None and command is None:
        raise KitUsageError("--recipes says which recipes the --impl-cmd command provides; give --impl-cmd too")
    impl = load_profile(profile or "reference")
    if module is None and command is None:
        return impl
    source = f"{impl.source} + command line" if profile else "command line"
    changes: dict[str, Any] = {"expectations": {}, "source": source, "version": ""}
    if module is not None:
        changes.update(api_module=module, api_command=())
    prefix: tuple[str, ...] = ()
    if command is not None:
        prefix = tuple(shlex.split(command))
        if not prefix:
            raise KitUsageError("--impl-cmd: the command prefix is empty")
        changes["program_prefix"] = prefix
        lacks = set(impl.lacks)
        if recipes is not None:
            lacks = {lack for lack in lacks if not lack.startswith("program:")}
            lacks.update(_not_listed("--recipes", [word.strip() for word in recipes.split(",") if word.strip()]))
        if profile is None and module is None:
            lacks.add("api")
        changes["lacks"] = frozenset(lacks)
    name = _shorthand_name(impl.name if profile else "", module, prefix)
    return replace(impl, **changes, name=name)


#: Longest name made from shorthands: it names the report files, ``reports/<name>.html``.
_NAME_CAP = 64


def _shorthand_name(base: str, module: str | None, prefix: tuple[str, ...]) -> str:
    """A short, file-name-safe name for a run given by shorthands, e.g. ``naive.py`` or ``reference+mymod``."""
    parts = [base] if base else []
    if module is not None:
        parts.append(module)
    if prefix:
        parts.append(_command_name(prefix))
    safe = [re.sub(r"[^A-Za-z0-9_.+]+", "-", part).strip("-.") for part in parts]
    return "+".join(part for part in safe if part)[:_NAME_CAP].rstrip("+-.") or "iut"


def _command_name(prefix: tuple[str, ...]) -> str:
    """What a command prefix runs: ``-m``'s module, else its first argument that is a file, else the program.

    Inline code (``-c``, ``-e``) has no name of its own, so it is named by the
    program, the option and a short hash of the code: recognisable, and two
    different scripts do not overwrite each other's reports.
    """
    program = Path(prefix[0]).name
    words = iter(prefix[1:])
    for word in words:
        if word == "-m":
            return next(words, program)
        if word in ("-c", "-e"):
            return f"{program}{word}-{hashlib.sha256(next(words, '').encode()).hexdigest()[:6]}"
        if os.path.isfile(word):  # unlike Path.is_file, False (not OSError) for an over-long word
            return Path(word).name
    return program

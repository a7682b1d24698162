"""Implementation profiles: a small TOML file per implementation under test.

A profile names the implementation, says how to reach its API surface (a
Python module or a harness command) and its programs, which capabilities it
declares it lacks, and which requirements it is known to fail and why::

    name = "pypy"
    version = "7.3"
    lacks = ["program:ntp-time"]    # capabilities: "api", "api.<function>", "program:<recipe>"
    [api]
    command = ["pypy3", "-m", "sockspec_reference.harness"]
    [programs]
    command = ["{python}", "-m", "sockspec_reference"]
    only = ["echo-server"]          # optional: every other recipe is lacked
    [expectations]
    "s08.sndbuf.doubling" = { reason = "...", link = "https://..." }

The command-line shorthands ``--impl-module`` and ``--impl-cmd`` override the
matching parts of the chosen profile (the reference profile by default).
``schemas/profile.schema.json`` describes every key.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from sockspec.documents import validate
from sockspec.errors import KitUsageError
from sockspec.implementation import DEFAULT_MODULE, DEFAULT_PROGRAMS, RECIPES, Expectation, Implementation
from sockspec.locations import PROFILES

__all__ = ["PROFILE_DIR", "load_profile", "resolve_implementation"]

#: Shipped profiles; ``--impl NAME`` looks here when NAME is not a file.
PROFILE_DIR = PROFILES


def _command(value: str | list[str]) -> tuple[str, ...]:
    """A command as the schema allows it: a list of arguments, or one string split like a shell would."""
    return tuple(shlex.split(value) if isinstance(value, str) else value)


def _parse(where: str, doc: dict[str, Any]) -> Implementation:
    validate(doc, "profile", f"profile {where}")
    api = doc.get("api", {})
    programs = doc.get("programs", {})
    expectations = {
        req_id: Expectation(entry["reason"].strip(), entry.get("link", ""))
        for req_id, entry in doc.get("expectations", {}).items()
    }
    return Implementation(
        name=doc["name"],
        version=str(doc.get("version", "")),
        description=doc.get("description", ""),
        api_module=api.get("module", DEFAULT_MODULE),
        api_command=_command(api["command"]) if "command" in api else (),
        program_prefix=_command(programs["command"]) if "command" in programs else DEFAULT_PROGRAMS,
        lacks=frozenset([*doc.get("lacks", []), *_not_listed(where, programs)]),
        expectations=expectations,
        source=where,
    )


def _not_listed(where: str, programs: dict[str, Any]) -> list[str]:
    """``program:`` capabilities for every recipe that ``[programs] only`` leaves out."""
    if "only" not in programs:
        return []
    only = programs["only"]
    unknown = sorted(set(only) - set(RECIPES))
    if unknown:
        raise KitUsageError(
            f"profile {where}: [programs] only must list recipes from {list(RECIPES)}; unknown: {unknown!r}"
        )
    return [f"program:{recipe}" for recipe in RECIPES if recipe not in only]


def load_profile(spec: str) -> Implementation:
    """Load a profile from a path, or by name from the shipped ``profiles/``."""
    is_path = spec.endswith(".toml") or "/" in spec
    path = Path(spec) if is_path else PROFILE_DIR / f"{spec}.toml"
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))
        raise KitUsageError(f"--impl: no profile {spec!r} (not a file; shipped profiles: {shipped})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KitUsageError(f"--impl: cannot read profile {str(path)!r}: {exc}") from exc
    return _parse(str(path), doc)


def resolve_implementation(profile: str | None, module: str | None, command: str | None) -> Implementation:
    """The IUT for this run: a profile (default: reference) with shorthands applied."""
    impl = load_profile(profile or "reference")
    if module is None and command is None:
        return impl
    changes: dict[str, Any] = {"expectations": {}, "source": impl.source + " + command line", "version": ""}
    if module is not None:
        changes.update(api_module=module, api_command=())
    prefix: tuple[str, ...] = ()
    if command is not None:
        prefix = tuple(shlex.split(command))
        if not prefix:
            raise KitUsageError("--impl-cmd: the command prefix is empty")
        changes["program_prefix"] = prefix
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

"""``sockspec init NAME``: a commented profile to start from, written to ``NAME.toml``."""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from sockspec.documents import validate
from sockspec.implementation import RECIPES

EXIT_USAGE = 4

#: The profile schema's pattern for ``name`` (sockspec/schemas/profile.schema.json).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")

_SKELETON = """\
# sockspec profile of {name}: how the kit reaches your implementation.
# Check it with:   sockspec run --impl {name}.toml
# Every key is described by sockspec's schemas/profile.schema.json.  Relative
# paths in a command are taken from this file's folder.

name = "{name}"
version = "0.1"
description = "{name}: what it is and what it is written in (shown in the reports)"

# Capabilities you do not ship; their cases are UNSUPPORTED instead of FAIL:
# "api" (the whole API surface), "api.<function>" (one function), "program:<recipe>".
lacks = ["api"]

# The API surface, if you have one (then drop "api" from lacks): a harness that
# speaks the harness protocol on stdin/stdout, or a Python module replacing socket.
# [api]
# command = ["./my-harness"]
# module = "mypackage.socket"

[programs]
# The command prefix of your recipe programs; the kit appends the recipe name and
# its options, e.g. "./my-recipes echo-server --port 0".
command = ["./my-recipes"]
# The recipes it provides; every other one is UNSUPPORTED. All of them:
# {recipes}
only = ["echo-server", "echo-client"]

# Requirements you know you fail, with the evidence; their failing cases are
# EXPECTED-FAIL, and the run fails once they pass (the list stays honest).
[expectations]
# "s11.echo_server.concurrent-clients" = {{ reason = "serves one client at a time", link = "https://example.org/1" }}
"""


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "init",
        help="write a commented profile NAME.toml to start from",
        description="Write NAME.toml in the current folder: a profile of your implementation with every key "
        "explained. It never overwrites a file.",
        epilog="example: sockspec init myimpl && sockspec run --impl myimpl.toml",
    )
    parser.add_argument("name", metavar="NAME", help="your implementation's name; it names the reports too")


def skeleton(name: str) -> str:
    """The profile text for ``name``; valid against the profile schema as it stands."""
    text = _SKELETON.format(name=name, recipes=", ".join(RECIPES))
    validate(tomllib.loads(text), "profile", f"the skeleton of {name}")
    return text


def main(args: argparse.Namespace) -> int:
    name = args.name.removesuffix(".toml")
    if not _NAME.fullmatch(name):
        print(f"init: {name!r} cannot name a profile: use letters, digits and _.+- (not first)", file=sys.stderr)
        return EXIT_USAGE
    path = Path(f"{name}.toml")
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(skeleton(name))
    except FileExistsError:
        print(f"init: {path} exists; not overwriting it", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"init: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {path}; edit it, then: sockspec run --impl {path}")
    return 0

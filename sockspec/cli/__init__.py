"""The ``sockspec`` command (also ``python -m sockspec``): one module per subcommand.

Exit codes: 0 success; 1 an input could not be used (the message names the
file and the problem); 2 usage error (argparse); 4 a usage error the kit
found (one line).  ``run`` passes pytest's exit code through and ``bench``
documents its own (``sockspec bench --help``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sockspec import bench
from sockspec.cli import compare, init, requirements, run

__all__ = ["main"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sockspec")
    except PackageNotFoundError:  # a checkout used without installing it
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sockspec",
        description="sockspec: the socket recipes of a networking tutorial as an executable specification.",
        epilog="example: sockspec run --impl-cmd './my-recipes' (sockspec run --help lists the run's options)",
    )
    parser.add_argument("--version", action="version", version=f"sockspec {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.configure(sub)
    compare.configure(sub)
    requirements.configure(sub)
    init.configure(sub)
    bench.configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:  # everything after "run" belongs to pytest, so argparse never sees it
        return run.main(args[1:])
    parsed = _parser().parse_args(args)
    if parsed.command == "bench":
        return bench.run(parsed)
    handlers = {"compare": compare.main, "requirements": requirements.main, "init": init.main}
    return handlers[parsed.command](parsed)

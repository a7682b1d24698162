"""The command line: one argparse subcommand per recipe, and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sockspec_reference._exitcodes import ExitCode, epilog
from sockspec_reference._program import Failure
from sockspec_reference._signals import Stopped
from sockspec_reference.recipes import MODULES, load, load_all


def build_parser(names: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser with a subcommand per recipe (all, or just ``names``); each remembers its recipe."""
    recipes = load_all() if names is None else tuple(load(name) for name in names)
    parser = argparse.ArgumentParser(
        prog="python -m sockspec_reference",
        description="Reference implementation of the tutorial's socket recipes.",
        epilog=epilog(code for recipe in recipes for code in recipe.exit_codes),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(title="recipes", metavar="RECIPE", required=True)
    for recipe in recipes:
        sub = subparsers.add_parser(
            recipe.name,
            help=recipe.summary,
            description=recipe.details,
            epilog=epilog(recipe.exit_codes),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        recipe.configure(sub)
        sub.set_defaults(recipe=recipe, parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one recipe; return its exit code (argparse itself exits 2 on usage errors)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only the chosen recipe's module is imported; anything else (--help, a typo) gets them all.
    args = build_parser([argv[0]] if argv and argv[0] in MODULES else None).parse_args(argv)
    try:
        return int(args.recipe.run(args))
    except Failure as failure:
        print(failure.message, file=sys.stdout if failure.to_stdout else sys.stderr, flush=True)
        return failure.code
    except Stopped:
        return ExitCode.OK
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # Whoever read stdout went away.  Point stdout at /dev/null so the
        # interpreter's last flush at exit does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.FAILURE

"""``sockspec requirements``: the requirement catalogue as a table, Markdown or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sockspec.catalogue import FORMATS, render
from sockspec.errors import KitUsageError
from sockspec.locations import SPECS
from sockspec.requirements import SECTION_TITLES, Catalogue

EXIT_INPUT = 1


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "requirements",
        help="print the requirement catalogue",
        description="Print the requirement catalogue: one line per requirement, a Markdown table, or every "
        "requirement with its vectors as one JSON document (docs/vectors.md describes the vectors).",
        epilog="example: sockspec requirements --section 5 --format markdown",
    )
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument(
        "--section", type=int, choices=sorted(SECTION_TITLES), metavar="N", help="only section N (1-11)"
    )
    parser.add_argument(
        "--spec-data",
        type=Path,
        default=SPECS / "data",
        metavar="DIR",
        help="directory of requirement files sNN_*.json (default: the installed specs' data)",
    )


def main(args: argparse.Namespace) -> int:
    try:
        catalogue = Catalogue.load(args.spec_data)
    except KitUsageError as exc:
        print(f"requirements: {exc}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(render(catalogue, args.format, args.section))
    return 0

"""The kit's command line: ``python -m sockspec compare|requirements|bench …``.

Exit codes: 0 success; 1 an input could not be used (the message names the
file and the problem); 2 usage error.  ``bench`` documents its own exit
codes (``python -m sockspec bench --help``).  Spec runs themselves go through
pytest (``pytest specs``), whose exit codes the README lists.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sockspec import bench
from sockspec.catalogue import FORMATS, render
from sockspec.compare import build_matrix, load_all, render_html, render_markdown
from sockspec.errors import KitUsageError
from sockspec.requirements import SECTION_TITLES, Catalogue

EXIT_INPUT = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sockspec",
        description="sockspec tools. Run the specs themselves with pytest: pytest specs --impl PROFILE",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    compare = sub.add_parser(
        "compare",
        help="build the implementations x requirements matrix from JSON reports",
        description="Build the implementations x requirements matrix from JSON reports written by spec runs.",
        epilog="example: python -m sockspec compare reports/*.json -o reports/matrix.html",
    )
    compare.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json", help="JSON reports to compare")
    compare.add_argument("-o", "--output", type=Path, help="write the matrix here (default: standard output)")
    compare.add_argument("--format", choices=("html", "markdown"), default="html", help="output format (default: html)")
    listing = sub.add_parser(
        "requirements",
        help="print the requirement catalogue",
        description="Print the requirement catalogue: one line per requirement, a Markdown table, or every "
        "requirement with its vectors as one JSON document (docs/vectors.md describes the vectors).",
        epilog="example: python -m sockspec requirements --section 5 --format markdown",
    )
    listing.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    listing.add_argument(
        "--section", type=int, choices=sorted(SECTION_TITLES), metavar="N", help="only section N (1-11)"
    )
    listing.add_argument(
        "--spec-data",
        type=Path,
        default=Path("specs/data"),
        metavar="DIR",
        help="directory of requirement files sNN_*.json (default: specs/data)",
    )
    bench.configure(sub)
    return parser


def _requirements(args: argparse.Namespace) -> int:
    try:
        catalogue = Catalogue.load(args.spec_data)
    except KitUsageError as exc:
        print(f"requirements: {exc}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(render(catalogue, args.format, args.section))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "bench":
        return bench.run(args)
    if args.command == "requirements":
        return _requirements(args)
    return _compare(args)


def _compare(args: argparse.Namespace) -> int:
    try:
        matrix = build_matrix(load_all(args.reports))
    except KitUsageError as exc:
        print(f"compare: {exc}", file=sys.stderr)
        return EXIT_INPUT
    text = render_html(matrix) if args.format == "html" else render_markdown(matrix)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"compare: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    print(
        f"wrote {args.output}: {len(matrix.implementations)} implementations x {len(matrix.requirements)} requirements"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

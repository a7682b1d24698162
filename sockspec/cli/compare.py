"""``sockspec compare``: the implementations x requirements matrix from JSON reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sockspec.compare import build_matrix, load_all, render_html, render_markdown
from sockspec.errors import KitUsageError

EXIT_INPUT = 1


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "compare",
        help="build the implementations x requirements matrix from JSON reports",
        description="Build the implementations x requirements matrix from JSON reports written by spec runs.",
        epilog="example: sockspec compare reports/*.json -o reports/matrix.html",
    )
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json", help="JSON reports to compare")
    parser.add_argument("-o", "--output", type=Path, help="write the matrix here (default: standard output)")
    parser.add_argument("--format", choices=("html", "markdown"), default="html", help="output format (default: html)")


def main(args: argparse.Namespace) -> int:
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

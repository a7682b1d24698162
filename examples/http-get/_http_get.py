"""The http-get contract (docs/programs.md) as an adapter sees it: options in, messages and exit codes out.

The adapters beside this file put an existing HTTP client behind the
``http-get`` recipe.  They translate only: the recipe's options into the
client's URL and flags, and the kind of failure the client reports into the
message prefix and exit status the contract names for that kind.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import quote

#: Kinds of failure, as the contract's exit statuses (docs/programs.md, "Errors and exit codes").
ADDRESS, CONNECTION, SENDING, RECEIVING, TIMEOUT, OTHER = 3, 4, 5, 6, 7, 1
PREFIX = {
    ADDRESS: "Address-related error connecting to server:",
    CONNECTION: "Connection error:",
    SENDING: "Error sending data:",
    RECEIVING: "Error receiving data:",
    TIMEOUT: "Error receiving data:",
}
#: What a URL path may hold as it is (RFC 3986 §3.3, plus '%' and '?', which pass through):
#: the rest (a space, controls, '#', non-ASCII) cannot be written in a URL, only percent-encoded.
PATH_SAFE = "/:@!$&'()*+,;=-._~%?"


def options(prog: str, client: str) -> argparse.Namespace:
    """The recipe's options; a usage error exits 2 with argparse's usage line."""
    parser = argparse.ArgumentParser(prog=prog, description=f"{client} as the http-get recipe")
    sub = parser.add_subparsers(dest="recipe", required=True)
    recipe = sub.add_parser("http-get", help=f"GET one file with {client}, response to stdout")
    recipe.add_argument("--host", required=True)
    recipe.add_argument("--port", required=True, type=int)
    recipe.add_argument("--file", required=True)
    recipe.add_argument("--timeout", type=float, help="seconds (fractions allowed)")
    return parser.parse_args()


def url(host: str, port: int, file: str) -> str:
    """``http://HOST:PORT/FILE``: FILE as a URL path, which begins with '/', and with what a URL
    cannot hold percent-encoded."""
    where = f"[{host}]" if ":" in host else host
    path = file if file.startswith("/") else "/" + file
    return f"http://{where}:{port}{quote(path, safe=PATH_SAFE)}"


def fail(kind: int, detail: str) -> int:
    """Print the contract's message for ``kind`` with the client's own words; the exit status to use."""
    prefix = PREFIX.get(kind)
    print(f"{prefix} {detail}" if prefix else detail, file=sys.stderr)
    return kind

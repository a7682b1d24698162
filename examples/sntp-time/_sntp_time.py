"""The sntp-time contract (docs/programs.md) as an adapter sees it: options in, two lines or an exit status out.

The adapters beside this file put an existing SNTP client behind the
``sntp-time`` recipe.  They translate only: the recipe's options into the
client's, the time the client reports into the recipe's two lines, and the
reason the client gives for a failure into the exit status the contract
recommends for it.
"""

from __future__ import annotations

import argparse
import time

#: Exit statuses of docs/programs.md, "Errors and exit codes".
OTHER, ADDRESS, TIMEOUT = 1, 3, 7
SHORT, WRONG_MODE, WRONG_ORIGINATE, ZERO_TRANSMIT, UNSYNCHRONISED, KISS_OF_DEATH = 8, 9, 10, 11, 12, 13


def parser(prog: str, client: str) -> argparse.ArgumentParser:
    """The recipe's options (an adapter may add its own before the recipe); a usage error exits 2."""
    top = argparse.ArgumentParser(prog=prog, description=f"{client} as the sntp-time recipe")
    sub = top.add_subparsers(dest="recipe", required=True)
    recipe = sub.add_parser("sntp-time", help=f"ask one SNTP server the time with {client}")
    recipe.add_argument("--server", required=True, help="host name or IPv4 address")
    recipe.add_argument("--port", type=int, default=123)
    recipe.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for the reply")
    return top


def report(address: str, port: int, when: time.struct_time) -> None:
    """The recipe's two lines: who answered, and the time it sent, as ctime shows it."""
    print(f"Response received from: ({address!r}, {port})")
    print(f"\tTime={time.asctime(when)}", flush=True)

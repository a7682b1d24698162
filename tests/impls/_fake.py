"""What the known-bad program implementations share.

Each fake is a script run as ``<python> tests/impls/<fake>.py <recipe> [args]``:
it implements the recipes it breaks with plain ``socket`` code of its own and
hands every other recipe to the reference (``python -m sockspec_reference``) by
replacing itself with it, so the kit sees one program either way.  The fakes
never import ``reference``: they are other implementations, not patches.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import NoReturn

#: The line every client failure starts with, as the tutorial's socket_errors client prints it.
ADDRESS_ERROR = "Address-related error connecting to server"


def delegate(argv: list[str]) -> NoReturn:
    """Become the reference implementation of ``argv[0]`` (a recipe) with the same arguments."""
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "sockspec_reference", *argv])


def dispatch(recipes: dict[str, Callable[[list[str]], int | None]], argv: list[str] | None = None) -> NoReturn:
    """Run ``recipes[argv[0]]`` with the remaining arguments, or the reference for any other recipe."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in recipes:
        delegate(argv)
    sys.exit(recipes[argv[0]](argv[1:]) or 0)


def say(line: str) -> None:
    print(line, flush=True)


def fail(message: str, code: int) -> NoReturn:
    """A one-line error on stderr and an exit status, the way the reference reports failures."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be an integer, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be in 0..65535, got {value}")
    return value


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seconds must be a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"seconds must be > 0, got {text!r}")
    return value


def parser(recipe: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"{os.path.basename(sys.argv[0])} {recipe}")


def server_address(recipe: str, argv: list[str]) -> tuple[str, int]:
    """A server's ``--host`` and ``--port``; other options are ignored."""
    p = parser(recipe)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=0)
    args, _ = p.parse_known_args(argv)
    return args.host, args.port


def exit_on_stop_signals() -> None:
    """SIGINT and SIGTERM end the program with status 0 and no traceback, as the reference's servers do."""

    def stop(signum: int, frame: object) -> NoReturn:
        os._exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def echo_listener(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket (SO_REUSEADDR), announced with the echo-server's first line."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(backlog)
    say("Echo server listening on {}:{}".format(*server.getsockname()))
    return server

"""Server-side socket setup shared by the recipe servers.

A server that cannot start (name does not resolve, port in use, permission)
exits 1 with ``Cannot listen on H:P: <cause>`` instead of a traceback.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Failure


@contextmanager
def setup_errors(host: str, port: int) -> Iterator[None]:
    """Turn a failure while creating, binding or listening into a :class:`Failure`."""
    try:
        yield
    except (OSError, UnicodeError) as exc:
        raise Failure(f"Cannot listen on {host}:{port}: {exc}", ExitCode.FAILURE) from exc


def server_socket(host: str, port: int, kind: socket.SocketKind) -> tuple[socket.socket, Any]:
    """Create an unbound socket of the family ``host`` calls for, and the address to bind.

    The family comes from the address, so ``--host ::1`` works as well as the
    default ``127.0.0.1``.  The caller binds (inside :func:`setup_errors`) so it
    can set options such as ``SO_REUSEADDR`` first.
    """
    with setup_errors(host, port):
        family, _, _, _, address = socket.getaddrinfo(host, port, type=kind, flags=socket.AI_PASSIVE)[0]
        return socket.socket(family, kind), address

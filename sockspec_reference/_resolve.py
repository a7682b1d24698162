"""Name resolution as the tutorial's lookup recipes report it (§2, §3)."""

from __future__ import annotations

import socket

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Failure

#: The tutorial's prompt, used when HOST is missing and stdin is a terminal.
HOST_PROMPT = "input host's name:"


def resolve_ipv4(host: str) -> str:
    """Return the dotted-quad IPv4 address of ``host``.

    On failure the tutorial prints ``HOST: reason`` on standard output (its
    code names an undefined ``remote_host`` there; the documented line names
    the host that was asked for), and this keeps that stream; exit code 1.
    """
    try:
        return socket.gethostbyname(host)
    except (OSError, UnicodeError) as exc:
        raise Failure(f"{host}: {exc}", ExitCode.FAILURE, to_stdout=True) from exc

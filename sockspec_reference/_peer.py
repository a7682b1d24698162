"""Client-side error translation: one failed socket call becomes one line and one exit code.

The tutorial's socket_errors client wraps each step (connect, send, receive)
in its own ``try`` and tells address errors (``gaierror``) from the rest.  Every
client recipe here does the same through :meth:`Peer.step`, which keeps the
tutorial's message prefixes and adds the peer and the cause:

    Address-related error connecting to server: H:P: <cause>   exit 3
    Connection error: H:P: <cause>                             exit 4
    Error sending data: H:P: <cause>                           exit 5
    Error receiving data: H:P: <cause>                         exit 6
    Timed out after S s talking to H:P                         exit 7
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

from sockspec_reference._exitcodes import ExitCode
from sockspec_reference._program import Failure

ADDRESS_ERROR = "Address-related error connecting to server"

#: What a client recipe can exit with, for its ``--help``.
CLIENT_EXIT_CODES = (
    ExitCode.OK,
    ExitCode.USAGE,
    ExitCode.ADDRESS,
    ExitCode.CONNECTION,
    ExitCode.SEND,
    ExitCode.RECEIVE,
    ExitCode.TIMEOUT,
    ExitCode.INTERRUPTED,
)


class Step(Enum):
    """A phase of a client exchange: its message prefix and exit code."""

    CONNECT = ("Connection error", ExitCode.CONNECTION)
    SEND = ("Error sending data", ExitCode.SEND)
    RECEIVE = ("Error receiving data", ExitCode.RECEIVE)

    def __init__(self, prefix: str, code: ExitCode) -> None:
        self.prefix = prefix
        self.code = code


@dataclass(frozen=True)
class Peer:
    """The server a client talks to, and the per-operation timeout it uses."""

    host: str
    port: int
    timeout: float

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def failure(self, step: Step, cause: OSError) -> Failure:
        """``<step prefix>: H:P: <cause>``, with the step's exit code."""
        return Failure(f"{step.prefix}: {self}: {cause}", step.code)

    def timed_out(self) -> Failure:
        """The timeout failure; the cause would only say "timed out" again."""
        return Failure(f"Timed out after {self.timeout:g} s talking to {self}", ExitCode.TIMEOUT)

    @contextmanager
    def step(self, step: Step) -> Iterator[None]:
        """Translate an ``OSError`` raised inside the block into a :class:`Failure`."""
        try:
            yield
        except (socket.gaierror, UnicodeError) as exc:
            # UnicodeError: the IDNA codec rejects the name before any lookup.
            raise Failure(f"{ADDRESS_ERROR}: {self}: {exc}", ExitCode.ADDRESS) from exc
        except TimeoutError as exc:
            raise self.timed_out() from exc
        except ConnectionRefusedError as exc:
            # A UDP client learns of a refusal (ICMP port unreachable) only on
            # receive; it is still a connection error, as it is for TCP.
            raise self.failure(Step.CONNECT, exc) from exc
        except OSError as exc:
            raise self.failure(step, exc) from exc

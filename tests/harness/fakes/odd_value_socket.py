"""A socket module whose ``htonl`` returns a number of its own class, which no protocol value carries.

Served by ``python -m sockspec_reference.harness --module odd_value_socket``,
the harness cannot send that result: a gap of the harness, which the kit must
report as a kit error, never as the module's lack (UNSUPPORTED) or fault (FAIL).
"""

from socket import *  # noqa: F403 - a drop-in socket module re-exports all of it
from socket import htonl as _htonl


class Number:
    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


def htonl(value: int) -> Number:  # type: ignore[no-redef]  # the point: it shadows socket.htonl
    return Number(_htonl(value))

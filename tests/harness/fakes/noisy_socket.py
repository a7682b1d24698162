"""A socket module that prints to stdout, from Python and from the fd level.

``python -m sockspec_reference.harness --module noisy_socket`` must keep its protocol
stream clean regardless.
"""

import os
import sys
from socket import *  # noqa: F403 - a drop-in socket module re-exports all of it
from socket import htonl as _htonl

print("noise at import time")


def htonl(value: int) -> int:  # type: ignore[no-redef]  # the point: it shadows socket.htonl
    print("noise from htonl")
    sys.stdout.flush()
    os.write(1, b"noise written to fd 1\n")
    return _htonl(value)

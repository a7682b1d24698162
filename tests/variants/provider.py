"""CPython's ``socket`` with the one bug that ``SOCKSPEC_VARIANT`` names (tests/variants/catalogue.py).

Served in process (``--impl-module tests.variants.provider``) or by the
reference harness; both read the variable.  ``SOCKSPEC_VARIANT=none`` is the
provider without a bug, the control: the specs must pass it, or a kill would
be the wrapper's doing.  Sockets are a subclass of ``socket.socket`` whose
``accept`` hands out the subclass too, so a method's bug reaches accepted
sockets as well.
"""

from __future__ import annotations

import os
import socket as _std
from typing import Any

from tests.variants.catalogue import variant

globals().update({name: getattr(_std, name) for name in dir(_std) if not name.startswith("_")})

#: The variable that picks the bug.
VARIABLE = "SOCKSPEC_VARIANT"


class socket(_std.socket):  # lower case: it replaces socket.socket
    def accept(self) -> tuple[Any, Any]:
        conn, address = super().accept()
        timeout = conn.gettimeout()
        mine = socket(conn.family, conn.type, conn.proto, fileno=conn.detach())
        _std.socket.settimeout(mine, timeout)
        return mine, address


def _apply(name: str) -> None:
    if name == "none":
        return
    row = variant(name)
    owner, _, attribute = row.target.rpartition(".")
    if owner == "socket":
        setattr(socket, attribute, row.how(getattr(socket, attribute)))
    else:
        globals()[attribute] = row.how(globals()[attribute])


if VARIABLE not in os.environ:
    raise ImportError(f"set {VARIABLE} to a variant of tests/variants/catalogue.py, or to 'none'")
_apply(os.environ[VARIABLE])

"""The loop shared by the fake harnesses: a correct harness, up to a point.

Each fake answers ``start``, ``htonl`` and ``stop`` correctly and answers
``htons`` with an ``Unsupported`` error, as a well-behaved harness may; it
misbehaves, in its own way, on ``ntohl``.  So one test can show the failure
and then the kit's recovery from it.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable
from typing import Any

Request = dict[str, Any]

METADATA = {
    "name": "fake",
    "version": "0",
    "language": "python",
    "runtime": "CPython",
    "protocol": 1,
    "capabilities": ["htonl", "htons", "ntohl"],
    "constants": {"AF_INET": 2},
}


def reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve(misbehave: Callable[[Request], None], metadata: dict[str, Any] = METADATA) -> None:
    for line in sys.stdin:
        request = json.loads(line)
        ident, op, fn = request["id"], request["op"], request.get("fn")
        if op == "start":
            reply({"id": ident, "ok": True, "result": metadata})
        elif op == "stop":
            reply({"id": ident, "ok": True, "result": None})
            return
        elif fn == "htonl":
            reply({"id": ident, "ok": True, "result": socket.htonl(request["args"][0])})
        elif fn == "htons":
            reply({"id": ident, "ok": False, "error": {"type": "Unsupported", "message": "no 16-bit numbers here"}})
        else:
            misbehave(request)

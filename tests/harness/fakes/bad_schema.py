"""A harness whose answers are JSON but break the protocol.

The first argument of the misbehaving call picks the violation from
``VIOLATIONS``, so one fake covers several.  With ``--bad-start`` the
``start`` result itself is incomplete.
"""

import sys

from _base import METADATA, Request, reply, serve

VIOLATIONS = [
    lambda ident: {"id": ident, "ok": True, "result": {"$set": [1, 2]}},
    lambda ident: {"id": ident, "ok": False, "error": {"type": "KeyError", "message": "boom"}},
    lambda ident: {"id": ident, "ok": True, "result": 1.5},
    lambda ident: {"id": ident + 1, "ok": True, "result": 1},
    lambda ident: {"id": ident, "ok": True},
    lambda ident: {"id": ident, "ok": True, "result": 1, "comment": "a key the protocol does not have"},
    lambda ident: {"ok": False, "error": {"type": "OSError", "message": "an error response without 'id'"}},
    lambda ident: {"id": ident, "ok": False, "error": {"type": "OSError", "message": "boom", "nom": "EIO"}},
    lambda ident: {"id": ident, "ok": True, "result": 2**60},
]


def violate(request: Request) -> None:
    reply(VIOLATIONS[request["args"][0]](request["id"]))


if "--bad-start" in sys.argv:
    serve(violate, metadata={key: value for key, value in METADATA.items() if key != "constants"})
else:
    serve(violate)

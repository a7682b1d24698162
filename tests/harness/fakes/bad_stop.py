"""A harness that serves ``start`` but, given an option, does not stop as the protocol asks.

``--exit N`` answers ``stop`` and exits with status N; ``--linger`` answers
it and goes on reading until the end of its input; ``--refuse`` answers it
with a ``BadRequest``, as if ``stop`` were an unknown op.
"""

import json
import sys

from _base import METADATA, reply


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        ident, op = request["id"], request["op"]
        if op == "start":
            reply({"id": ident, "ok": True, "result": METADATA})
        elif op == "stop" and "--refuse" in sys.argv:
            reply({"id": ident, "ok": False, "error": {"type": "BadRequest", "message": "unknown op 'stop'"}})
        elif op == "stop":
            reply({"id": ident, "ok": True, "result": None})
            if "--linger" not in sys.argv:
                return int(sys.argv[sys.argv.index("--exit") + 1]) if "--exit" in sys.argv else 0
    return 0


sys.exit(main())

"""Programs that crash at once, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/crash.py"

Every recipe, whatever its arguments, dies before doing anything: an
uncaught exception, so Python prints a traceback and exits with status 1.
Nothing is printed on stdout, no socket is opened.
"""

from __future__ import annotations

import sys

#: A line of the traceback that a report must show beside the failure.
CRASH = "deliberate crash of the known-bad implementation"


def main(argv: list[str]) -> None:
    recipe = argv[0] if argv else "(no recipe)"
    raise RuntimeError(f"{recipe}: {CRASH}")


if __name__ == "__main__":
    main(sys.argv[1:])

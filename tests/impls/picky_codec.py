"""An SNTP codec that refuses versions it does not expect, as a program implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/picky_codec.py"

The reference with one bug: its packet type takes only versions 1 to 4, so
decoding a version-0 reply raises ``ValueError`` in sntp-time and ntp-time,
which end in a traceback instead of printing the time or refusing the reply
(``s10.*_time.odd-reply``).  The reference is patched in this process, not
copied, so nothing else differs; the sntp-server ignores version 0 before it
decodes anything, so it is unaffected.
"""

from __future__ import annotations

from sockspec_reference._cli import main
from sockspec_reference.sntp import _packet

_packet._RANGES["version"] = (1, 4)

if __name__ == "__main__":
    raise SystemExit(main())

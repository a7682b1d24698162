"""Argument ranges one short at the top, as a program implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/top_short.py"

The reference with one bug: its integer options are checked as
``low <= value < high`` where ``low..high`` is meant (a ``range(low, high)``
taken for an inclusive one).  So the last value of each range is refused as
a usage error: port 65535 for service-name, 2**32-1 for byte-order,
2147483647 for buffer-size.  The reference is patched in this process, not
copied, so nothing else differs.
"""

from __future__ import annotations

from collections.abc import Callable

from sockspec_reference import _argtypes
from sockspec_reference._cli import main
from sockspec_reference.recipes import buffer_size, byte_order, service_name


def top_short(low: int, high: int, what: str) -> Callable[[str], int]:
    """The reference's converter for ``low..high``, minus its top value: the bug."""
    return _argtypes.int_in_range(low, high - 1, what)


service_name.port_number = top_short(0, 65535, "port")
byte_order.uint32 = top_short(0, 2**32 - 1, "value")
buffer_size.buffer_size = top_short(1, 2**31 - 1, "buffer size")

if __name__ == "__main__":
    raise SystemExit(main())

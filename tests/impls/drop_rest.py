"""An echo server that drops what ``send()`` did not take, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/drop_rest.py"

echo-server echoes each read with one ``send()`` and forgets the rest when
the socket takes only part of it (the unchecked return value of ``send``).
A client that reads as fast as it sends never sees the bug; one whose
receive buffer is full gets too few bytes.  Every other recipe is the
reference's.
"""

from __future__ import annotations

from _fake import dispatch
from _short_send import echo_server

if __name__ == "__main__":
    dispatch({"echo-server": lambda argv: echo_server(argv, lambda buffer, sent, count: None)})

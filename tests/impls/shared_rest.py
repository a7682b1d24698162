"""An echo server that keeps the unsent rest as a view into its shared read buffer.

    pytest specs --impl-cmd "{python} tests/impls/shared_rest.py"

echo-server reads every connection into one buffer.  When ``send()`` takes
only part of a reply, it keeps the rest as a ``memoryview`` slice of that
buffer instead of a copy, and sends it once the socket can take more; by
then the next read from another client has overwritten it, so that client's
bytes turn up in this one's echo.  With one client at a time, or clients
that read as fast as they send, every echo is right.  Every other recipe is
the reference's.
"""

from __future__ import annotations

from _fake import dispatch
from _short_send import echo_server

if __name__ == "__main__":
    dispatch({"echo-server": lambda argv: echo_server(argv, lambda buffer, sent, count: buffer[sent:count])})

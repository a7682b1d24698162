"""An echo server whose connections block on ``send()``, as an implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/blocking_send.py"

echo-server is one event loop over every connection, as the reference's is,
but it never makes the accepted sockets non-blocking.  A reply the socket
cannot take at once is not kept for later: ``send()`` waits until the client
reads, and every other client waits with it.  A client that reads as it
sends never sees the bug; one that sends megabytes and reads nothing stalls
the server for everyone.  Every other recipe is the reference's.
"""

from __future__ import annotations

from _fake import dispatch
from _short_send import echo_server

if __name__ == "__main__":
    dispatch(
        {
            "echo-server": lambda argv: echo_server(
                argv, lambda buffer, sent, count: memoryview(bytes(buffer[sent:count])), blocking=True
            )
        }
    )

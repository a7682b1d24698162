"""A socket module with five typical mistakes, to prove the API specs can fail.

Everything else is CPython's ``socket``.  The mistakes:
- ``htonl`` forgets to swap bytes on a little-endian host;
- ``inet_aton`` accepts only the four-part dotted form, not inet(3)'s short forms;
- ``getservbyport`` returns upper-case service names;
- ``socket.settimeout(0)`` is ignored instead of making the socket non-blocking;
- ``socket.sendall`` is one ``send()``: what the kernel does not take at once is lost.
"""

from __future__ import annotations

import socket as _std

globals().update({name: getattr(_std, name) for name in dir(_std) if not name.startswith("_")})


def htonl(x: int) -> int:
    _std.htonl(x)  # keep the range and type checks
    return x


def inet_aton(text: str) -> bytes:
    if isinstance(text, str) and text.count(".") != 3:
        raise OSError("illegal IP address string passed to inet_aton")
    return _std.inet_aton(text)


def getservbyport(port: int, protocol: str = "tcp") -> str:
    return _std.getservbyport(port, protocol).upper()


class socket(_std.socket):  # lower case: it replaces socket.socket
    def settimeout(self, value: float | None) -> None:
        if value == 0:
            return
        super().settimeout(value)

    def sendall(self, data: bytes, flags: int = 0) -> None:
        self.send(data, flags)

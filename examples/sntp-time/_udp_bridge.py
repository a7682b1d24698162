"""Run a client in a private network namespace whose loopback UDP ports lead to other ports outside.

A client fixed to port 123 (ntpdig has no port option) can then ask a
server on any port of this machine's loopback: inside, a datagram to
127.x.y.z:123 reaches this bridge, which sends it on to 127.x.y.z:PORT in
the caller's namespace and sends the reply back from the address the
client asked.  The outside sockets are made before unshare(2), so they stay
in the caller's namespace; the inside ones after it.  The namespace is
owned by a new user namespace, so nothing in it can set the host's clock.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import selectors
import socket
import struct
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
SIOCSIFFLAGS, IFF_UP = 0x8914, 0x1
IP_PKTINFO = 8  # <netinet/in.h> on Linux; CPython's socket module does not name it
PKTINFO = struct.Struct("i4s4s")  # struct in_pktinfo: ifindex, local address, header destination


def _enter_namespace() -> None:
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER | CLONE_NEWNET)")
    Path("/proc/self/setgroups").write_text("deny", encoding="ascii")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1", encoding="ascii")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1", encoding="ascii")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", IFF_UP))


class UdpBridge:
    """``ports`` maps a UDP port inside the namespace to the port outside that it leads to."""

    def __init__(self, ports: Mapping[int, int]) -> None:
        self.ports = dict(ports)
        self.outside = {port: socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for port in self.ports}
        self.inside: dict[int, socket.socket] = {}
        self.asked: dict[int, tuple[tuple[str, int], str]] = {}  # port: (client, address it asked)
        self._wake_r, self._wake_w = os.pipe()

    def run(self, argv: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
        """Enter the namespace (for good: call once, last), run ``argv`` there, and return what it did."""
        _enter_namespace()
        for port in self.ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            sock.bind(("0.0.0.0", port))
            self.inside[port] = sock
        relay = threading.Thread(target=self._relay, daemon=True)
        relay.start()
        try:
            return subprocess.run(argv, capture_output=True, check=False)
        finally:
            os.write(self._wake_w, b"x")
            relay.join()

    def _relay(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_r, selectors.EVENT_READ)
            for port in self.ports:
                selector.register(self.inside[port], selectors.EVENT_READ, ("in", port))
                selector.register(self.outside[port], selectors.EVENT_READ, ("out", port))
            while True:
                for key, _ in selector.select():
                    if key.data is None:
                        return
                    way, port = key.data
                    with contextlib.suppress(OSError):  # a datagram that cannot go on is lost, as on any network
                        (self._outward if way == "in" else self._inward)(port)

    def _outward(self, port: int) -> None:
        data, ancillary, _flags, client = self.inside[port].recvmsg(65535, socket.CMSG_SPACE(PKTINFO.size))
        asked = next(
            (socket.inet_ntoa(PKTINFO.unpack(cdata)[2]) for _level, kind, cdata in ancillary if kind == IP_PKTINFO),
            "127.0.0.1",
        )
        self.asked[port] = (client, asked)
        self.outside[port].sendto(data, (asked, self.ports[port]))

    def _inward(self, port: int) -> None:
        data, source = self.outside[port].recvfrom(65535)
        if port not in self.asked:
            return
        client, asked = self.asked[port]
        if source != (asked, self.ports[port]):
            return
        local = PKTINFO.pack(0, socket.inet_aton(asked), bytes(4))
        self.inside[port].sendmsg([data], [(socket.IPPROTO_IP, IP_PKTINFO, local)], 0, client)

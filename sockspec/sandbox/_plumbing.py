"""Linux system calls the launcher makes inside its fresh namespaces.

They go through ``ioctl`` and libc's ``mount`` rather than ``ip`` and
``mount`` commands: no dependency on iproute2, and no process spawned per step
at the start of every sandboxed command.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct
from pathlib import Path

__all__ = ["bind_mount", "bring_up_loopback", "interfaces", "mask_directory"]

# <linux/sockios.h>, <net/if.h>, <sys/mount.h>
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_MS_BIND = 4096
_IFREQ = struct.Struct("16sH22x")  # struct ifreq: interface name, then ifr_flags in the union


def interfaces() -> list[str]:
    """The network interfaces of the current network namespace."""
    return [name for _, name in socket.if_nameindex()]


def bring_up_loopback() -> None:
    """Set ``lo`` up; the kernel then gives it 127.0.0.1/8 and ::1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        name, flags = _IFREQ.unpack(fcntl.ioctl(sock, _SIOCGIFFLAGS, _IFREQ.pack(b"lo", 0)))
        fcntl.ioctl(sock, _SIOCSIFFLAGS, _IFREQ.pack(name, flags | _IFF_UP))


def bind_mount(source: Path, target: Path) -> None:
    """Make ``target`` show ``source`` (in this mount namespace only)."""
    _mount(str(source), str(target), None, _MS_BIND)


def mask_directory(target: Path) -> None:
    """Hide what ``target`` holds behind an empty tmpfs."""
    _mount("tmpfs", str(target), "tmpfs", 0, "size=4k,mode=755")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    encode = os.fsencode
    if libc.mount(encode(source), encode(target), fstype and encode(fstype), flags, data and encode(data)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"cannot mount {source!r} on {target!r}: {os.strerror(errno)}")

"""The family of single-bug socket providers: one row per bug, one bug per provider.

Each row names the API section whose specs should see the bug
(``specs/api/test_sNN_*.py``), says what is wrong in one line, and gives
``how``: a function of the correct callable (a function of ``socket``, a
method of ``socket.socket``, or a constant or class) that returns the broken
one.  ``tests/variants/provider.py`` applies the row named by
``SOCKSPEC_VARIANT`` and is otherwise CPython's ``socket``.  The bugs are the
kind a real socket library has: a forgotten byte swap, an off-by-one, the
wrong exception class, an option that is not applied.
"""

from __future__ import annotations

import errno
import socket as _std
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Patch = Callable[[Any], Any]


@dataclass(frozen=True)
class Variant:
    """One provider with one bug."""

    name: str
    section: str  # "s05": the API specs of that section should see it
    target: str  # "htons", or "socket.recv" for a method
    wrong: str
    how: Patch


def _result(fix: Callable[..., Any]) -> Patch:
    """A module function whose result ``fix(result, *args)`` changes."""
    return lambda real: lambda *args, **kwargs: fix(real(*args, **kwargs), *args)


def _method_result(fix: Callable[..., Any]) -> Patch:
    """A socket method whose result ``fix(sock, result, *args)`` changes."""
    return lambda real: lambda self, *args, **kwargs: fix(self, real(self, *args, **kwargs), *args)


def _arguments(change: Callable[..., tuple[Any, ...]]) -> Patch:
    """A module function or method that passes ``change(*args)`` on instead of its arguments."""
    return lambda real: lambda *args: real(*change(*args))


def _translate(caught: type[BaseException], make: Callable[..., Any]) -> Patch:
    """A function or method that answers ``make(error, *args)`` (raised if an exception) where ``caught`` was raised."""

    def how(real: Any) -> Any:
        def broken(*args: Any, **kwargs: Any) -> Any:
            try:
                return real(*args, **kwargs)
            except caught as exc:
                answer = make(exc, *args)
                if isinstance(answer, BaseException):
                    raise answer from None
                return answer

        return broken

    return how


def _after_init(act: Callable[[Any], None]) -> Patch:
    """``socket.__init__`` that does ``act(sock)`` to every new TCP socket."""

    def how(real: Any) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            real(self, *args, **kwargs)
            if self.type == _std.SOCK_STREAM:
                act(self)

        return init

    return how


def _setsockopt_filter(level: int, option: int, value: Callable[[Any], Any] | None) -> Patch:
    """``setsockopt`` that passes ``value(v)`` for ``level``, ``option`` (``None``: does nothing for it)."""

    def how(real: Any) -> Any:
        def setsockopt(self: Any, at: int, name: int, v: Any, *rest: Any) -> None:
            if (at, name) != (level, option):
                return real(self, at, name, v, *rest)
            if value is not None:
                return real(self, at, name, value(v), *rest)
            return None

        return setsockopt

    return how


def _quad_parts(text: Any) -> list[int] | None:
    """The four decimal parts of ``a.b.c.d`` (any size each), or ``None``."""
    parts = text.split(".") if isinstance(text, str) else []
    return [int(part) for part in parts] if len(parts) == 4 and all(p.isdigit() for p in parts) else None


def _aton_wrapping(real: Any) -> Any:
    def inet_aton(text: Any) -> bytes:
        parts = _quad_parts(text)
        return bytes(part & 0xFF for part in parts) if parts else real(text)

    return inet_aton


def _aton_octal_as_decimal(real: Any) -> Any:
    def inet_aton(text: Any) -> bytes:
        parts = _quad_parts(text)
        return bytes(parts) if parts and all(p <= 255 for p in parts) else real(text)

    return inet_aton


def _ntoa_first_four(real: Any) -> Any:
    return lambda packed: real(bytes(packed[:4]) if isinstance(packed, (bytes, bytearray)) else packed)


def _aton_accepts_int(real: Any) -> Any:
    return lambda text: struct.pack("!I", text) if isinstance(text, int) else real(text)


def _ntoa_accepts_str(real: Any) -> Any:
    return lambda packed: real(packed.encode("latin-1") if isinstance(packed, str) else packed)


def _swap16(value: int) -> int:
    return ((value & 0xFF) << 8) | (value >> 8)


def _ntohl_swaps_halves(real: Any) -> Any:
    def ntohl(value: Any) -> int:
        real(value)  # keep the checks
        return ((value & 0xFFFF) << 16) | (value >> 16)

    return ntohl


def _ntohs_range_off_by_one(real: Any) -> Any:
    def ntohs(value: Any) -> int:
        if isinstance(value, int) and value >= 65535:
            raise OverflowError("ntohs: Python int too large to convert to C 16-bit unsigned integer")
        return real(value)

    return ntohs


def _setdefaulttimeout_ignored(real: Any) -> Any:
    return lambda timeout: None


def _settimeout_negative_as_none(real: Any) -> Any:
    return lambda self, value: real(self, None if isinstance(value, (int, float)) and value < 0 else value)


def _setblocking_true_keeps_timeout(real: Any) -> Any:
    return lambda self, flag: real(self, flag) if not flag else None


def _getblocking_is_no_timeout(real: Any) -> Any:
    return lambda self: self.gettimeout() is None


def _sendall_counts(real: Any) -> Any:
    def sendall(self: Any, data: Any, *rest: Any) -> int:
        real(self, data, *rest)
        return len(data)

    return sendall


def _sendall_first_chunk(real: Any) -> Any:
    return lambda self, data, *rest: real(self, bytes(data[:65536]), *rest)


def _sendall_stops_at_eagain(real: Any) -> Any:
    """sendall made of non-blocking sends that takes 'the kernel is full' for 'done'."""

    def sendall(self: Any, data: Any, flags: int = 0) -> None:
        view, timeout = memoryview(data), self.gettimeout()
        self.setblocking(False)
        try:
            while view:
                view = view[self.send(view, flags) :]
        except BlockingIOError:
            return
        finally:
            self.settimeout(timeout)

    return sendall


def _recv_one_less(real: Any) -> Any:
    return lambda self, size, *rest: real(self, max(size - 1, 0), *rest)


def _recvfrom_one_less(real: Any) -> Any:
    return lambda self, size, *rest: real(self, max(size - 1, 0), *rest)


def _recv_decodes(real: Any) -> Any:
    return lambda self, *args: real(self, *args).decode("latin-1")


def _recv_end_is_error(real: Any) -> Any:
    def recv(self: Any, *args: Any) -> bytes:
        data = real(self, *args)
        if not data and args and args[0] > 0:
            raise ConnectionAbortedError(errno.ECONNABORTED, "Connection closed by peer")
        return data

    return recv


def _connect_gaierror_as_oserror(real: Any) -> Any:
    def connect(self: Any, address: Any) -> None:
        try:
            real(self, address)
        except _std.gaierror as exc:
            raise OSError(f"cannot resolve {address[0]!r}: {exc}") from None

    return connect


def _recvfrom_timeout_empty(real: Any) -> Any:
    def recvfrom(self: Any, *args: Any) -> Any:
        try:
            return real(self, *args)
        except TimeoutError:
            return b"", None

    return recvfrom


def _shutdown_both(real: Any) -> Any:
    return lambda self, how: real(self, _std.SHUT_RDWR)


class _Timeout(Exception):
    """A timeout class of its own, outside OSError."""


VARIANTS: tuple[Variant, ...] = (
    # §1 host information (hermetic: the resolver sandbox, /etc/hosts)
    Variant(
        "s01-hostname-localhost",
        "s01",
        "gethostname",
        "gethostname returns 'localhost', not the node name",
        _result(lambda name: "localhost"),
    ),
    Variant(
        "s01-hostname-upper",
        "s01",
        "gethostname",
        "gethostname upper-cases the node name",
        _result(lambda name: name.upper()),
    ),
    Variant(
        "s01-byname-reversed",
        "s01",
        "gethostbyname",
        "gethostbyname writes the address octets in host (little-endian) order",
        _result(lambda addr, name: ".".join(reversed(addr.split(".")))),
    ),
    Variant(
        "s01-ex-name-as-alias",
        "s01",
        "gethostbyname_ex",
        "gethostbyname_ex lists the name it was asked for among the aliases",
        _result(lambda result, name: (result[0], [*result[1], name], result[2])),
    ),
    Variant(
        "s01-ex-tuples",
        "s01",
        "gethostbyname_ex",
        "gethostbyname_ex returns tuples where the API has lists",
        _result(lambda result, name: (result[0], tuple(result[1]), tuple(result[2]))),
    ),
    Variant(
        "s01-byaddr-no-addresses",
        "s01",
        "gethostbyaddr",
        "gethostbyaddr returns an empty address list",
        _result(lambda result, addr: (result[0], result[1], [])),
    ),
    Variant(
        "s01-byaddr-name-is-address",
        "s01",
        "gethostbyaddr",
        "gethostbyaddr returns the address as the name (no reverse lookup)",
        _result(lambda result, addr: (addr, [], [addr])),
    ),
    Variant(
        "s01-byaddr-malformed-valueerror",
        "s01",
        "gethostbyaddr",
        "gethostbyaddr refuses a malformed address with ValueError, not OSError",
        _translate(OSError, lambda exc, *args: ValueError(str(exc))),
    ),
    # §2 remote lookup (the resolver sandbox's stub DNS)
    Variant(
        "s02-ex-no-aliases",
        "s02",
        "gethostbyname_ex",
        "gethostbyname_ex drops the CNAME aliases",
        _result(lambda result, name: (result[0], [], result[2])),
    ),
    Variant(
        "s02-ex-first-address",
        "s02",
        "gethostbyname_ex",
        "gethostbyname_ex returns only the first address",
        _result(lambda result, name: (result[0], result[1], result[2][:1])),
    ),
    Variant(
        "s02-ex-query-as-canonical",
        "s02",
        "gethostbyname_ex",
        "gethostbyname_ex returns the queried name as the canonical name",
        _result(lambda result, name: (name, result[1], result[2])),
    ),
    Variant(
        "s02-failure-plain-oserror",
        "s02",
        "gethostbyname",
        "a failed lookup raises plain OSError, not gaierror",
        _translate(_std.gaierror, lambda exc, *args: OSError(f"lookup failed: {exc}")),
    ),
    Variant(
        "s02-again-as-noname",
        "s02",
        "gethostbyname_ex",
        "a temporary failure (EAI_AGAIN) is reported as EAI_NONAME",
        _translate(_std.gaierror, lambda exc, *args: _std.gaierror(_std.EAI_NONAME, "Name or service not known")),
    ),
    Variant(
        "s02-ptr-missing-returns-address",
        "s02",
        "gethostbyaddr",
        "gethostbyaddr of an address without PTR returns the address instead of raising",
        _translate(OSError, lambda exc, addr: (addr, [], [addr])),
    ),
    # §3 IPv4 address conversion
    Variant(
        "s03-aton-little-endian",
        "s03",
        "inet_aton",
        "inet_aton packs the address in little-endian order",
        _result(lambda packed, text: packed[::-1]),
    ),
    Variant(
        "s03-aton-wraps-parts",
        "s03",
        "inet_aton",
        "inet_aton accepts a part above 255 and keeps its low byte",
        _aton_wrapping,
    ),
    Variant(
        "s03-aton-octal-as-decimal",
        "s03",
        "inet_aton",
        "inet_aton reads a part with a leading 0 as decimal, not octal",
        _aton_octal_as_decimal,
    ),
    Variant(
        "s03-aton-strips-blanks",
        "s03",
        "inet_aton",
        "inet_aton strips blanks around the address",
        _arguments(lambda text: (text.strip() if isinstance(text, str) else text,)),
    ),
    Variant(
        "s03-aton-trailing-dot",
        "s03",
        "inet_aton",
        "inet_aton accepts a trailing dot ('1.2.3.')",
        _arguments(lambda text: (text[:-1] if isinstance(text, str) and text.endswith(".") else text,)),
    ),
    Variant(
        "s03-aton-accepts-int",
        "s03",
        "inet_aton",
        "inet_aton packs an int instead of raising TypeError",
        _aton_accepts_int,
    ),
    Variant(
        "s03-ntoa-reversed",
        "s03",
        "inet_ntoa",
        "inet_ntoa reads the packed bytes in little-endian order",
        _arguments(lambda packed: (packed[::-1] if isinstance(packed, (bytes, bytearray)) else packed,)),
    ),
    Variant(
        "s03-ntoa-zero-padded",
        "s03",
        "inet_ntoa",
        "inet_ntoa pads each part to three digits",
        _result(lambda text, packed: ".".join(f"{int(part):03d}" for part in text.split("."))),
    ),
    Variant(
        "s03-ntoa-first-four",
        "s03",
        "inet_ntoa",
        "inet_ntoa uses the first 4 bytes of longer input instead of refusing it",
        _ntoa_first_four,
    ),
    Variant(
        "s03-ntoa-accepts-str",
        "s03",
        "inet_ntoa",
        "inet_ntoa encodes a str argument instead of raising TypeError",
        _ntoa_accepts_str,
    ),
    # §4 services
    Variant(
        "s04-byname-always-tcp",
        "s04",
        "getservbyname",
        "getservbyname looks the name up for 'tcp' whatever protocol it is given",
        lambda real: lambda name, protocol=None: real(name, "tcp"),
    ),
    Variant(
        "s04-byport-no-swap",
        "s04",
        "getservbyport",
        "getservbyport passes the port to the database unswapped (htons forgotten)",
        _arguments(
            lambda port, *rest: (_std.htons(port) if isinstance(port, int) and 0 <= port <= 65535 else port, *rest)
        ),
    ),
    Variant(
        "s04-byport-with-protocol",
        "s04",
        "getservbyport",
        "getservbyport returns 'name/protocol' instead of the name",
        _result(lambda name, port, protocol="tcp": f"{name}/{protocol}"),
    ),
    Variant(
        "s04-default-protocol-udp",
        "s04",
        "getservbyport",
        "getservbyport without a protocol looks only at 'udp' entries",
        lambda real: lambda port, protocol="udp": real(port, protocol),
    ),
    Variant(
        "s04-unknown-is-zero",
        "s04",
        "getservbyname",
        "getservbyname returns 0 for a name it cannot find",
        _translate(OSError, lambda exc, *args: 0),
    ),
    Variant(
        "s04-byport-masks",
        "s04",
        "getservbyport",
        "getservbyport keeps the low 16 bits of the port instead of refusing it",
        _arguments(lambda port, *rest: (port & 0xFFFF if isinstance(port, int) else port, *rest)),
    ),
    Variant(
        "s04-byname-network-order",
        "s04",
        "getservbyname",
        "getservbyname returns the port in network byte order (ntohs forgotten)",
        _result(lambda port, *args: _swap16(port)),
    ),
    # §5 byte order
    Variant(
        "s05-htons-identity",
        "s05",
        "htons",
        "htons returns its argument unswapped on a little-endian host",
        _result(lambda swapped, value: value),
    ),
    Variant(
        "s05-ntohl-swaps-halves", "s05", "ntohl", "ntohl swaps the 16-bit halves, not the bytes", _ntohl_swaps_halves
    ),
    Variant(
        "s05-htonl-masks",
        "s05",
        "htonl",
        "htonl keeps the low 32 bits of a wider value instead of refusing it",
        _arguments(lambda value: (value & 0xFFFFFFFF if isinstance(value, int) and value >= 0 else value,)),
    ),
    Variant(
        "s05-htons-negative",
        "s05",
        "htons",
        "htons takes a negative value modulo 2**16",
        _arguments(lambda value: (value & 0xFFFF if isinstance(value, int) and value < 0 else value,)),
    ),
    Variant(
        "s05-ntohs-float",
        "s05",
        "ntohs",
        "ntohs truncates a float to an int instead of raising TypeError",
        _arguments(lambda value: (int(value) if isinstance(value, float) else value,)),
    ),
    Variant(
        "s05-ntohs-range-off-by-one",
        "s05",
        "ntohs",
        "ntohs refuses 65535: its range check is off by one",
        _ntohs_range_off_by_one,
    ),
    # §6 timeouts and blocking
    Variant(
        "s06-settimeout-ignored",
        "s06",
        "socket.settimeout",
        "settimeout does nothing",
        lambda real: lambda self, value: None,
    ),
    Variant(
        "s06-gettimeout-whole-int",
        "s06",
        "socket.gettimeout",
        "gettimeout returns a whole number of seconds as an int, not a float",
        _method_result(lambda self, t: int(t) if isinstance(t, float) and t.is_integer() else t),
    ),
    Variant(
        "s06-settimeout-negative-none",
        "s06",
        "socket.settimeout",
        "settimeout takes a negative number as None instead of raising ValueError",
        _settimeout_negative_as_none,
    ),
    Variant(
        "s06-setblocking-true-keeps-timeout",
        "s06",
        "socket.setblocking",
        "setblocking(True) keeps a timeout set before",
        _setblocking_true_keeps_timeout,
    ),
    Variant(
        "s06-getblocking-no-timeout",
        "s06",
        "socket.getblocking",
        "getblocking is True only without a timeout",
        _getblocking_is_no_timeout,
    ),
    Variant(
        "s06-defaulttimeout-ignored",
        "s06",
        "setdefaulttimeout",
        "setdefaulttimeout does nothing",
        _setdefaulttimeout_ignored,
    ),
    Variant(
        "s06-recv-nonblocking-empty",
        "s06",
        "socket.recv",
        "recv on a non-blocking socket with nothing waiting returns b''",
        _translate(BlockingIOError, lambda exc, *args: b""),
    ),
    Variant(
        "s06-accept-timeout-blocking",
        "s06",
        "socket.accept",
        "accept reports its timeout as BlockingIOError (EAGAIN), not TimeoutError",
        _translate(TimeoutError, lambda exc, *args: BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")),
    ),
    Variant(
        "s06-getsockname-port-unswapped",
        "s06",
        "socket.getsockname",
        "getsockname reports the port in network byte order",
        _method_result(lambda self, address: (address[0], _swap16(address[1]))),
    ),
    # §7 errors
    Variant(
        "s07-timeout-not-oserror",
        "s07",
        "timeout",
        "socket.timeout is a class of its own, outside OSError",
        lambda real: _Timeout,
    ),
    Variant(
        "s07-refused-as-timeout",
        "s07",
        "socket.connect",
        "a refused connect raises timeout, not ConnectionRefusedError",
        _translate(ConnectionRefusedError, lambda exc, *args: TimeoutError(exc.errno, exc.strerror)),
    ),
    Variant(
        "s07-connect-name-oserror",
        "s07",
        "socket.connect",
        "connect to a name that does not resolve raises plain OSError, not gaierror",
        _connect_gaierror_as_oserror,
    ),
    Variant(
        "s07-sendall-returns-count",
        "s07",
        "socket.sendall",
        "sendall returns the number of bytes sent, not None",
        _sendall_counts,
    ),
    Variant(
        "s07-recv-end-is-error",
        "s07",
        "socket.recv",
        "recv raises ConnectionAbortedError at end of stream instead of returning b''",
        _recv_end_is_error,
    ),
    Variant(
        "s07-recv-reset-empty",
        "s07",
        "socket.recv",
        "recv takes a reset for end of stream and returns b''",
        _translate(ConnectionResetError, lambda exc, *args: b""),
    ),
    Variant(
        "s07-send-reset-zero",
        "s07",
        "socket.send",
        "send on a reset connection returns 0 instead of raising",
        _translate(OSError, lambda exc, *args: 0),
    ),
    # §8 buffer sizes and TCP_NODELAY
    Variant(
        "s08-bufsize-not-applied",
        "s08",
        "socket.setsockopt",
        "setsockopt(SO_RCVBUF, n) is not applied",
        _setsockopt_filter(_std.SOL_SOCKET, _std.SO_RCVBUF, None),
    ),
    Variant(
        "s08-bufsize-capped-64k",
        "s08",
        "socket.setsockopt",
        "setsockopt caps SO_SNDBUF at 65536 itself",
        _setsockopt_filter(_std.SOL_SOCKET, _std.SO_SNDBUF, lambda v: min(v, 65536) if isinstance(v, int) else v),
    ),
    Variant(
        "s08-bufsize-halved",
        "s08",
        "socket.getsockopt",
        "getsockopt halves SO_SNDBUF to report what was asked",
        _method_result(lambda self, value, level, name, *rest: value // 2 if name == _std.SO_SNDBUF else value),
    ),
    Variant(
        "s08-nodelay-on",
        "s08",
        "socket.__init__",
        "a new TCP socket has TCP_NODELAY on",
        _after_init(lambda sock: sock.setsockopt(_std.IPPROTO_TCP, _std.TCP_NODELAY, 1)),
    ),
    Variant(
        "s08-nodelay-sticky",
        "s08",
        "socket.setsockopt",
        "setsockopt(TCP_NODELAY, 0) is ignored",
        _setsockopt_filter(_std.IPPROTO_TCP, _std.TCP_NODELAY, lambda v: v or 1),
    ),
    # §9 address reuse
    Variant(
        "s09-reuseaddr-on",
        "s09",
        "socket.__init__",
        "a new TCP socket has SO_REUSEADDR on",
        _after_init(lambda sock: sock.setsockopt(_std.SOL_SOCKET, _std.SO_REUSEADDR, 1)),
    ),
    Variant(
        "s09-reuseaddr-not-applied",
        "s09",
        "socket.setsockopt",
        "setsockopt(SO_REUSEADDR, 1) is not applied",
        _setsockopt_filter(_std.SOL_SOCKET, _std.SO_REUSEADDR, None),
    ),
    Variant(
        "s09-reuseaddr-sticky",
        "s09",
        "socket.setsockopt",
        "setsockopt(SO_REUSEADDR, 0) is ignored",
        _setsockopt_filter(_std.SOL_SOCKET, _std.SO_REUSEADDR, lambda v: v or 1),
    ),
    Variant(
        "s09-reuseaddr-is-reuseport",
        "s09",
        "SO_REUSEADDR",
        "the constant SO_REUSEADDR has SO_REUSEPORT's value",
        lambda real: _std.SO_REUSEPORT,
    ),
    # §10 datagrams
    Variant(
        "s10-sendto-drops-last-byte",
        "s10",
        "socket.sendto",
        "sendto sends all but the last byte and reports all of them",
        lambda real: lambda self, data, address: real(self, data[:-1], address) + 1,
    ),
    Variant(
        "s10-sendto-returns-none",
        "s10",
        "socket.sendto",
        "sendto returns None, not the byte count",
        _method_result(lambda self, count, *args: None),
    ),
    Variant(
        "s10-recvfrom-one-less", "s10", "socket.recvfrom", "recvfrom(n) reads at most n - 1 bytes", _recvfrom_one_less
    ),
    Variant(
        "s10-recvfrom-port-unswapped",
        "s10",
        "socket.recvfrom",
        "recvfrom reports the sender's port in network byte order",
        _method_result(lambda self, pair, *args: (pair[0], (pair[1][0], _swap16(pair[1][1])))),
    ),
    Variant(
        "s10-recvfrom-timeout-empty",
        "s10",
        "socket.recvfrom",
        "recvfrom returns (b'', None) when it times out instead of raising",
        _recvfrom_timeout_empty,
    ),
    # §11 streams
    Variant(
        "s11-accept-own-address",
        "s11",
        "socket.accept",
        "accept returns the listener's own address, not the client's",
        _method_result(lambda self, pair: (pair[0], self.getsockname())),
    ),
    Variant(
        "s11-getpeername-own",
        "s11",
        "socket.getpeername",
        "getpeername returns the socket's own address",
        lambda real: lambda self: self.getsockname(),
    ),
    Variant("s11-recv-str", "s11", "socket.recv", "recv decodes what it reads and returns str", _recv_decodes),
    Variant("s11-recv-one-less", "s11", "socket.recv", "recv(n) reads at most n - 1 bytes", _recv_one_less),
    Variant(
        "s11-sendall-first-64k",
        "s11",
        "socket.sendall",
        "sendall sends the first 64 KiB and drops the rest",
        _sendall_first_chunk,
    ),
    Variant(
        "s11-sendall-stops-when-full",
        "s11",
        "socket.sendall",
        "sendall stops, without an error, once the kernel's buffer is full",
        _sendall_stops_at_eagain,
    ),
    Variant(
        "s11-shutdown-noop", "s11", "socket.shutdown", "shutdown does nothing", lambda real: lambda self, how: None
    ),
    Variant("s11-shutdown-both", "s11", "socket.shutdown", "shutdown(SHUT_WR) shuts both directions", _shutdown_both),
)


def variant(name: str) -> Variant:
    """The row called ``name``."""
    for row in VARIANTS:
        if row.name == name:
            return row
    raise KeyError(f"no variant {name!r}; known: {', '.join(row.name for row in VARIANTS)}")

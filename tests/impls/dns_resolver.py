"""A socket module with a resolver of its own, which asks DNS for every name.

CPython's ``socket``, except that ``gethostbyname``, ``gethostbyname_ex`` and
``gethostbyaddr`` never read the hosts file: they send a query to the first
nameserver in /etc/resolv.conf, as some resolver libraries do.  Like
dnspython's resolver it waits ``TRY_TIMEOUT_S`` for each try, on a fresh
socket, and gives up after ``LIFETIME_S`` with gaierror EAI_AGAIN: legitimate
behaviour, however long, that the kit must wait out (tests/test_lookup_deadline.py).

Never use it outside a loopback-only namespace: off the kit's sandbox, its
queries go to the machine's nameserver (tests/test_hermetic_lookups.py runs
it only inside namespaces of its own).
"""

from __future__ import annotations

import ipaddress
import socket as _std
import time
from pathlib import Path

from dnslib import QTYPE, RCODE, DNSError, DNSRecord

globals().update({name: getattr(_std, name) for name in dir(_std) if not name.startswith("_")})

TRY_TIMEOUT_S = 2.0
LIFETIME_S = 5.5
RESOLV_CONF = Path("/etc/resolv.conf")


def _nameserver() -> str:
    for line in RESOLV_CONF.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "nameserver":
            return fields[1]
    return "127.0.0.1"  # resolv.conf(5): the default when none is named


def _ask(name: str, qtype: str) -> DNSRecord:
    """The reply to one question; gaierror EAI_AGAIN once ``LIFETIME_S`` has passed without one."""
    server = _nameserver()
    query = DNSRecord.question(name, qtype)
    deadline = time.monotonic() + LIFETIME_S
    while (left := deadline - time.monotonic()) > 0:
        query.header.id = (query.header.id + 1) % 65536  # a late answer to an earlier try does not count
        with _std.socket(_std.AF_INET, _std.SOCK_DGRAM) as sock:
            sock.settimeout(min(TRY_TIMEOUT_S, left))
            try:
                sock.sendto(query.pack(), (server, 53))
                reply = DNSRecord.parse(sock.recv(65535))
            except (OSError, DNSError):
                continue
        if reply.header.id == query.header.id:
            return reply
    raise _std.gaierror(_std.EAI_AGAIN, "Temporary failure in name resolution")


def _forward(name: str) -> tuple[str, list[str], list[str]]:
    reply = _ask(name, "A")
    if reply.header.rcode == RCODE.NXDOMAIN:
        raise _std.gaierror(_std.EAI_NONAME, "Name or service not known")
    if reply.header.rcode != RCODE.NOERROR:
        raise _std.gaierror(_std.EAI_AGAIN, "Temporary failure in name resolution")
    canonical, aliases, addresses = name, [], []
    for record in reply.rr:
        if record.rtype == QTYPE.CNAME:
            aliases.append(canonical)
            canonical = str(record.rdata).rstrip(".")
        elif record.rtype == QTYPE.A:
            addresses.append(str(record.rdata))
    if not addresses:
        raise _std.gaierror(_std.EAI_NODATA, "No address associated with hostname")
    return canonical, aliases, addresses


def _literal(name: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(name))
    except ValueError:
        return None


def gethostbyname_ex(name: str) -> tuple[str, list[str], list[str]]:
    literal = _literal(name)
    return (literal, [], [literal]) if literal else _forward(name)


def gethostbyname(name: str) -> str:
    return gethostbyname_ex(name)[2][0]


def gethostbyaddr(address: str) -> tuple[str, list[str], list[str]]:
    try:
        owner = ipaddress.ip_address(address).reverse_pointer
    except ValueError:
        raise _std.gaierror(_std.EAI_NONAME, "Name or service not known") from None
    reply = _ask(owner, "PTR")
    names = [str(record.rdata).rstrip(".") for record in reply.rr if record.rtype == QTYPE.PTR]
    if not names:
        raise _std.herror(1, "Unknown host")
    return names[0], names[1:], [address]

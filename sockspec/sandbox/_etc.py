"""The three resolver files the sandbox shows at /etc, as text.

Why each line is there:

- ``nameserver 127.0.0.1``: the stub, and nothing else.
- ``options timeout:1 attempts:1``: a name the stub answers late fails after
  about ``RESOLVER_TIMEOUT_S``, once, so a spec on it costs about a second.
- ``ndots:15`` (the most glibc allows) and no ``search`` line.  glibc derives
  a search domain from a dotted host name (``laptop.lan`` gives ``lan``).
  With the default ``ndots:1``, its NXDOMAIN for ``servfail.sockspec.test.lan``
  would turn the SERVFAIL's EAI_AGAIN into EAI_NONAME: a verdict that depends
  on the machine.  With ``ndots:15`` the name as given is queried last, so its
  answer decides.  A dotted host name still adds one query per lookup
  (``x.invalid.lan``, NXDOMAIN).  ``search .`` would suppress the derived
  domain, but glibc then repeats every failed query (the slow name would
  cost 2 s), and with ``ndots:15`` musl would fail every lookup: it makes
  ``name..`` of it, which it rejects.
- nsswitch ``hosts: files dns``: only the hosts file and the stub; no mDNS,
  systemd-resolved or myhostname module that could answer otherwise.  The
  other databases read local files only, so that no LDAP or similar module
  waits on a network the sandbox does not have.
- hosts: ``localhost`` as usual, and the machine's own name at 127.0.1.1, the
  Debian convention that the tutorial's transcript shows
  (``gethostbyname_ex`` gives ``('DFL', [], ['127.0.1.1'])``).  Inside the
  sandbox every 127/8 address is on the loopback interface.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

__all__ = ["HOSTNAME_ADDRESS", "NSSWITCH_CONF", "RESOLVER_LIMIT_S", "RESOLVER_TIMEOUT_S", "hosts_file", "resolv_conf"]

RESOLVER_TIMEOUT_S = 1
#: The longest a lookup may legitimately take in the sandbox: a resolver that keeps its own
#: settings instead of these may use glibc's defaults, timeout 5 s times 2 attempts
#: (resolv.conf(5)); the kit waits this much longer than ``--io-timeout`` for a sandboxed call.
RESOLVER_LIMIT_S = 10
HOSTNAME_ADDRESS = "127.0.1.1"
_HEADER = "# written by the sockspec resolver sandbox\n"

NSSWITCH_CONF = _HEADER + "".join(
    f"{database + ':':<11} {sources}\n"
    for database, sources in [
        ("passwd", "files"),
        ("group", "files"),
        ("shadow", "files"),
        ("hosts", "files dns"),
        ("networks", "files"),
        ("protocols", "files"),
        ("services", "files"),
    ]
)


def resolv_conf(nameserver: str = "127.0.0.1") -> str:
    return f"{_HEADER}nameserver {nameserver}\noptions timeout:{RESOLVER_TIMEOUT_S} attempts:1 ndots:15\n"


def hosts_file(hostname: str, extra: Mapping[str, str]) -> str:
    """The hosts file: ``localhost``, ``hostname`` and ``extra`` (name to address; it may remap ``hostname``)."""
    lines = [_HEADER, "127.0.0.1\tlocalhost\n", "::1\tlocalhost\n"]
    for name, address in {hostname: HOSTNAME_ADDRESS, **extra}.items():
        if not name or any(c.isspace() or c == "#" for c in name):
            raise ValueError(f"a host name must be one word without '#', not {name!r}")
        lines.append(f"{ipaddress.ip_address(address)}\t{name}\n")
    return "".join(lines)

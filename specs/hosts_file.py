"""What a hosts file says, read by the specs as an oracle for lookups of local names.

The API and the program specs judge a lookup only where the hosts file in
force answers it: /etc/hosts outside the resolver sandbox, the sandbox's own
inside (``sockspec.resolver.host_lookups`` says which).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from sockspec.resolver import HOSTS_FILE

__all__ = ["HOSTS_FILE", "hosts_entries", "hosts_ipv4_of", "hosts_names_of", "is_dotted_quad"]


def hosts_entries(hosts: Path = HOSTS_FILE) -> list[tuple[str, list[str]]]:
    """(address, names) for each line of ``hosts``, in file order; none where it cannot be read."""
    try:
        text = hosts.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    entries = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            entries.append((fields[0], fields[1:]))
    return entries


def is_dotted_quad(value: object) -> bool:
    """Is ``value`` a str in canonical dotted-decimal IPv4 form (the oracle is ipaddress)?"""
    if not isinstance(value, str):
        return False
    try:
        return str(ipaddress.IPv4Address(value)) == value
    except ValueError:
        return False


def hosts_ipv4_of(name: str, hosts: Path = HOSTS_FILE) -> list[str]:
    """The IPv4 addresses ``hosts`` gives ``name`` (names match case-insensitively)."""
    wanted = name.lower()
    return [a for a, names in hosts_entries(hosts) if is_dotted_quad(a) and wanted in (n.lower() for n in names)]


def hosts_names_of(address: str, hosts: Path = HOSTS_FILE) -> list[str]:
    """The names ``hosts`` lists for ``address``, in file order."""
    return [name for a, names in hosts_entries(hosts) if a == address for name in names]

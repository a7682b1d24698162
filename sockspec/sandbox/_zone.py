"""Read a zone document (``zone.schema.json``) into the table the stub answers from.

The launcher loads the zone at the start of every sandboxed command, so this
module checks by hand what the stub relies on instead of importing
``jsonschema`` (about 0.1 s); the kit's tests hold the schema and this loader
to the same zone files.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sockspec.errors import KitUsageError

__all__ = ["RCODES", "Answer", "Zone", "load_zone", "parse_zone"]

RCODES = ("NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED")
MAX_DELAY_S = 30
_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
_IP_VERSIONS = {"A": 4, "AAAA": 6}
_ANSWER_KEYS = {"comment", "rcode", "A", "AAAA", "CNAME", "delay_s"}
_ZONE_KEYS = {"$schema", "description", "ttl", "names", "reverse", "suffixes", "otherwise"}


@dataclass(frozen=True)
class Answer:
    """What the stub says about one name; ``rule`` names the zone entry, for the query log."""

    rule: str
    rcode: str = "NOERROR"
    records: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True)
class Zone:
    ttl: int
    names: Mapping[str, Answer]
    suffixes: Mapping[str, Answer]
    otherwise: Answer

    def find(self, name: str) -> Answer:
        """The answer for ``name`` (any case, with or without the trailing dot)."""
        name = name.rstrip(".").lower()
        if name in self.names:
            return self.names[name]
        # Longest suffix first, so a rule for "b.test" beats one for "test".
        for suffix in sorted(self.suffixes, key=len, reverse=True):
            if name == suffix or name.endswith("." + suffix):
                return self.suffixes[suffix]
        return self.otherwise


def load_zone(path: Path) -> Zone:
    """Read the zone file at ``path``; raise ``KitUsageError`` naming what is wrong."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KitUsageError(f"cannot read the zone file {str(path)!r}: {exc}") from exc
    try:
        return parse_zone(doc)
    except _ZoneError as exc:
        raise KitUsageError(f"zone file {str(path)!r}: {exc}") from exc


class _ZoneError(ValueError):
    pass


def parse_zone(doc: Any) -> Zone:
    """Check a decoded zone document and build its lookup table."""
    _object(doc, "the zone", _ZONE_KEYS, required=frozenset({"ttl", "names", "otherwise"}))
    ttl = doc["ttl"]
    if type(ttl) is not int or not 0 <= ttl <= 86400:
        raise _ZoneError(f"ttl must be an integer from 0 to 86400, not {ttl!r}")
    names = {name: _answer(raw, f"name:{name}") for name, raw in _names(doc["names"], "names").items()}
    for address, target in _object(doc.get("reverse", {}), "reverse", None).items():
        try:
            owner = ipaddress.ip_address(address).reverse_pointer
        except ValueError:
            raise _ZoneError(f"reverse: {address!r} is not an IP address") from None
        if owner in names:
            raise _ZoneError(f"reverse[{address!r}] adds {owner!r}, which 'names' already has")
        names[owner] = Answer(rule=f"reverse:{address}", records={"PTR": (_name(target, f"reverse[{address!r}]"),)})
    suffixes = {s: _answer(raw, f"suffix:{s}") for s, raw in _names(doc.get("suffixes", {}), "suffixes").items()}
    zone = Zone(ttl, names, suffixes, _answer(doc["otherwise"], "otherwise"))
    _check_cnames(zone)
    return zone


def _answer(raw: Any, rule: str) -> Answer:
    _object(raw, rule, _ANSWER_KEYS)
    rcode = raw.get("rcode", "NOERROR")
    if rcode not in RCODES:
        raise _ZoneError(f"{rule}: rcode must be one of {', '.join(RCODES)}, not {rcode!r}")
    records: dict[str, tuple[str, ...]] = {}
    for rtype, version in _IP_VERSIONS.items():
        if rtype in raw:
            records[rtype] = tuple(_address(value, version, f"{rule}: {rtype}") for value in _list(raw[rtype], rule))
    if "CNAME" in raw:
        if records:
            raise _ZoneError(f"{rule}: a name with a CNAME has no other records (RFC 1034 §3.6.2)")
        records["CNAME"] = (_name(raw["CNAME"], f"{rule}: CNAME"),)
    if records and rcode != "NOERROR":
        raise _ZoneError(f"{rule}: records are sent only with NOERROR, not with {rcode}")
    delay = raw.get("delay_s", 0)
    if type(delay) not in (int, float) or not 0 <= delay <= MAX_DELAY_S:
        raise _ZoneError(f"{rule}: delay_s must be a number of seconds from 0 to {MAX_DELAY_S}, not {delay!r}")
    return Answer(rule=rule, rcode=rcode, records=records, delay_s=float(delay))


def _check_cnames(zone: Zone) -> None:
    for start, answer in zone.names.items():
        seen = {start}
        while "CNAME" in answer.records:
            target = answer.records["CNAME"][0]
            if target not in zone.names:
                raise _ZoneError(f"{answer.rule}: the CNAME target {target!r} is not in 'names'")
            if target in seen:
                raise _ZoneError(f"name:{start}: its CNAME chain loops back to {target!r}")
            seen.add(target)
            answer = zone.names[target]


def _object(raw: Any, where: str, keys: set[str] | None, required: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _ZoneError(f"{where} must be a JSON object, not {raw!r}")
    if keys is not None and (unknown := set(raw) - keys):
        raise _ZoneError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(keys)}")
    if missing := required - set(raw):
        raise _ZoneError(f"{where} lacks {sorted(missing)}")
    return raw


def _names(raw: Any, where: str) -> dict[str, Any]:
    table = _object(raw, where, None)
    for name in table:
        _name(name, where)
    return table


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > 253 or not _NAME.fullmatch(value):
        raise _ZoneError(f"{where}: {value!r} is not a lower-case host name without a trailing dot")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _ZoneError(f"{where}: records must be a non-empty list, not {value!r}")
    return value


def _address(value: Any, version: int, where: str) -> str:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        address = None
    if address is None or address.version != version:
        raise _ZoneError(f"{where}: {value!r} is not an IPv{version} address")
    return str(address)

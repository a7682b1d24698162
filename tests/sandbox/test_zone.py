"""The zone document: its schema, the kit's zone, and the loader agree."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sockspec.errors import KitUsageError
from sockspec.sandbox._etc import RESOLVER_TIMEOUT_S
from sockspec.sandbox._zone import load_zone, parse_zone

from .conftest import ZONE

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "sockspec" / "sandbox" / "zone.schema.json").read_text())
MINIMAL: dict[str, Any] = {"ttl": 60, "names": {}, "otherwise": {"rcode": "NXDOMAIN"}}


def schema_errors(doc: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(doc)]


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_kit_zone_matches_schema_and_loads() -> None:
    assert schema_errors(json.loads(ZONE.read_text())) == []
    load_zone(ZONE)


def test_slow_name_outlasts_the_resolver_timeout() -> None:
    assert load_zone(ZONE).find("slow.sockspec.test").delay_s > RESOLVER_TIMEOUT_S


# Each case breaks the minimal zone in one way (None removes a key); the schema and the loader both refuse it.
BAD_ZONES = {
    "unknown top-level key": {"zones": {}},
    "ttl not an integer": {"ttl": "60"},
    "upper-case name": {"names": {"WWW.Example.test": {"A": ["192.0.2.1"]}}},
    "trailing dot": {"names": {"www.example.test.": {"A": ["192.0.2.1"]}}},
    "IPv6 address under A": {"names": {"a.test": {"A": ["2001:db8::1"]}}},
    "IPv4 address under AAAA": {"names": {"a.test": {"AAAA": ["192.0.2.1"]}}},
    "empty address list": {"names": {"a.test": {"A": []}}},
    "CNAME beside an address": {"names": {"a.test": {"CNAME": "b.test", "A": ["192.0.2.1"]}}},
    "records with SERVFAIL": {"names": {"a.test": {"rcode": "SERVFAIL", "A": ["192.0.2.1"]}}},
    "unknown rcode": {"names": {"a.test": {"rcode": "NOTAUTH"}}},
    "negative delay": {"names": {"a.test": {"A": ["192.0.2.1"], "delay_s": -1}}},
    "unknown answer key": {"names": {"a.test": {"MX": ["mail.test"]}}},
    "reverse key not an address": {"reverse": {"host.test": "a.test"}},
    "otherwise missing": {"otherwise": None},
}


@pytest.mark.parametrize("change", BAD_ZONES.values(), ids=BAD_ZONES.keys())
def test_bad_zone_is_refused(tmp_path: Path, change: dict[str, Any]) -> None:
    doc = {**copy.deepcopy(MINIMAL), **change}
    doc = {key: value for key, value in doc.items() if value is not None}
    assert schema_errors(doc), "the schema accepts it"
    with pytest.raises(KitUsageError, match="zone file"):
        _load(tmp_path, doc)


def test_dangling_cname_is_refused(tmp_path: Path) -> None:
    # The schema cannot see across entries; the loader must.
    with pytest.raises(KitUsageError, match=r"'b\.test' is not in 'names'"):
        _load(tmp_path, {**MINIMAL, "names": {"a.test": {"CNAME": "b.test"}}})


def test_cname_loop_is_refused(tmp_path: Path) -> None:
    names = {"a.test": {"CNAME": "b.test"}, "b.test": {"CNAME": "a.test"}}
    with pytest.raises(KitUsageError, match="loops"):
        _load(tmp_path, {**MINIMAL, "names": names})


def test_unreadable_zone_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "zone.json"
    path.write_text("{not json")
    with pytest.raises(KitUsageError, match=r"cannot read the zone file .*zone\.json"):
        load_zone(path)


def test_lookup_order() -> None:
    zone = parse_zone(
        {
            **MINIMAL,
            "names": {"exact.b.test": {"A": ["192.0.2.1"]}},
            "suffixes": {"test": {"rcode": "REFUSED"}, "b.test": {"rcode": "SERVFAIL"}},
        }
    )
    assert zone.find("EXACT.b.test.").rule == "name:exact.b.test"
    assert zone.find("x.b.test").rule == "suffix:b.test"  # the longest suffix wins
    assert zone.find("b.test").rule == "suffix:b.test"
    assert zone.find("xb.test").rule == "suffix:test"  # only at a label boundary
    assert zone.find("example.org").rule == "otherwise"


def test_reverse_entries_become_ptr_records() -> None:
    zone = load_zone(ZONE)
    assert zone.find("10.2.0.192.in-addr.arpa").records == {"PTR": ("web.sockspec.test",)}
    v6 = "0.3.0.0." + "0." * 20 + "8.b.d.0.1.0.0.2.ip6.arpa"  # 2001:db8::30, nibble by nibble
    assert zone.find(v6).records == {"PTR": ("dual.sockspec.test",)}


def _load(tmp_path: Path, doc: dict[str, Any]) -> None:
    # load_zone, not parse_zone: the error must name the file.
    path = tmp_path / "zone.json"
    path.write_text(json.dumps(doc))
    load_zone(path)

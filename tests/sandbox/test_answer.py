"""The stub's answers, bytes in and bytes out, without sockets or namespaces."""

from __future__ import annotations

import ipaddress

import pytest
from dnslib import OPCODE, QTYPE, RCODE, DNSHeader, DNSRecord

from sockspec.sandbox._answer import Reply, respond
from sockspec.sandbox._zone import Zone, load_zone

from .conftest import ZONE


@pytest.fixture(scope="module")
def zone() -> Zone:
    return load_zone(ZONE)


def ask(zone: Zone, name: str, qtype: str = "A") -> tuple[DNSRecord, Reply]:
    reply = respond(zone, DNSRecord.question(name, qtype).pack())
    assert reply.packet is not None
    return DNSRecord.parse(reply.packet), reply


def rdata(message: DNSRecord, qtype: str) -> list[str]:
    return [str(rr.rdata) for rr in message.rr if rr.rtype == getattr(QTYPE, qtype)]


def test_tutorial_name(zone: Zone) -> None:
    message, reply = ask(zone, "www.python.org")
    assert RCODE[message.header.rcode] == "NOERROR"
    assert rdata(message, "A") == ["151.101.76.223"]
    assert reply.log == {
        "qname": "www.python.org",
        "qtype": "A",
        "rcode": "NOERROR",
        "rule": "name:www.python.org",
        "answers": 1,
        "delay_s": 0.0,
    }


def test_reply_is_authoritative_and_claims_recursion(zone: Zone) -> None:
    message, _ = ask(zone, "www.python.org")
    assert (message.header.qr, message.header.aa, message.header.ra) == (1, 1, 1)


def test_missing_type_is_nodata(zone: Zone) -> None:
    message, _ = ask(zone, "www.python.org", "AAAA")
    assert (RCODE[message.header.rcode], message.rr) == ("NOERROR", [])


def test_cname_is_followed(zone: Zone) -> None:
    message, reply = ask(zone, "www.sockspec.test")
    assert [(str(rr.rname), QTYPE[rr.rtype], str(rr.rdata)) for rr in message.rr] == [
        ("www.sockspec.test.", "CNAME", "web.sockspec.test."),
        ("web.sockspec.test.", "A", "192.0.2.10"),
        ("web.sockspec.test.", "A", "192.0.2.11"),
    ]
    assert reply.log["rule"] == "name:www.sockspec.test"


def test_cname_query_gets_the_cname_only(zone: Zone) -> None:
    message, _ = ask(zone, "www.sockspec.test", "CNAME")
    assert rdata(message, "CNAME") == ["web.sockspec.test."]
    assert len(message.rr) == 1


def test_question_case_is_echoed(zone: Zone) -> None:
    # DNS 0x20: a resolver may randomise case and check that it comes back.
    message, _ = ask(zone, "WwW.PyThOn.OrG")
    assert str(message.q.qname) == "WwW.PyThOn.OrG."
    assert str(message.rr[0].rname) == "WwW.PyThOn.OrG."


@pytest.mark.parametrize(
    ("address", "name"),
    [("192.0.2.10", "web.sockspec.test."), ("2001:db8::30", "dual.sockspec.test.")],
)
def test_ptr(zone: Zone, address: str, name: str) -> None:
    message, _ = ask(zone, ipaddress.ip_address(address).reverse_pointer, "PTR")
    assert rdata(message, "PTR") == [name]


@pytest.mark.parametrize(
    ("name", "rcode", "rule"),
    [
        ("x.invalid", "NXDOMAIN", "suffix:invalid"),
        ("invalid", "NXDOMAIN", "suffix:invalid"),
        ("servfail.sockspec.test", "SERVFAIL", "name:servfail.sockspec.test"),
        ("nosuchhost", "NXDOMAIN", "otherwise"),
        ("www.python.org.lan", "NXDOMAIN", "otherwise"),
    ],
)
def test_failures(zone: Zone, name: str, rcode: str, rule: str) -> None:
    message, reply = ask(zone, name)
    assert (RCODE[message.header.rcode], message.rr) == (rcode, [])
    assert (reply.log["rcode"], reply.log["rule"]) == (rcode, rule)


def test_slow_name_carries_its_delay(zone: Zone) -> None:
    message, reply = ask(zone, "slow.sockspec.test")
    assert rdata(message, "A") == ["192.0.2.40"]
    assert reply.delay_s == reply.log["delay_s"] == 3.0


def test_unparsable_packet_gets_no_reply(zone: Zone) -> None:
    reply = respond(zone, b"\x00\x01garbage")
    assert reply.packet is None
    assert "unparsable query" in reply.log["error"]


def test_response_packet_gets_no_reply(zone: Zone) -> None:
    query = DNSRecord.question("www.python.org")
    reply = respond(zone, query.reply().pack())
    assert (reply.packet, reply.log) == (None, {"error": "a response arrived where a query was expected"})


def test_other_opcodes_are_not_implemented(zone: Zone) -> None:
    query = DNSRecord(DNSHeader(opcode=OPCODE.NOTIFY), q=DNSRecord.question("www.python.org").q)
    reply = respond(zone, query.pack())
    assert reply.packet is not None
    assert RCODE[DNSRecord.parse(reply.packet).header.rcode] == "NOTIMP"

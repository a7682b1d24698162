"""The stub's answer to one DNS query: bytes in, bytes out, no sockets.

``dnslib`` does the wire format.  Replies carry AA and RA: some stub resolvers
(Go's, for one) treat a reply without either as a lame referral rather than as
an answer, and an empty NOERROR reply (NODATA) must read as "no records of
this type" everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dnslib import AAAA, CNAME, OPCODE, PTR, QTYPE, RCODE, RR, A, DNSError, DNSLabel, DNSRecord

from ._zone import Zone

__all__ = ["Reply", "respond"]

_RDATA = {"A": A, "AAAA": AAAA, "CNAME": CNAME, "PTR": PTR}


@dataclass(frozen=True)
class Reply:
    """What to send (``None``: nothing), after how long, and the query-log entry."""

    packet: bytes | None
    delay_s: float
    log: dict[str, Any]


def respond(zone: Zone, query: bytes) -> Reply:
    """Answer ``query`` from ``zone``."""
    try:
        request = DNSRecord.parse(query)
    except DNSError as exc:
        return Reply(None, 0.0, {"error": f"unparsable query: {exc}"})
    if request.header.qr:
        return Reply(None, 0.0, {"error": "a response arrived where a query was expected"})
    reply = request.reply()
    if request.header.opcode != OPCODE.QUERY or len(request.questions) != 1:
        reply.header.rcode = RCODE.NOTIMP if request.header.opcode != OPCODE.QUERY else RCODE.FORMERR
        return Reply(reply.pack(), 0.0, {"error": "only standard queries with one question are served"})
    question = request.q
    qtype = QTYPE.get(question.qtype, f"TYPE{question.qtype}")
    first = answer = zone.find(str(question.qname))
    owner: DNSLabel = question.qname  # as received: resolvers may randomise case (DNS 0x20)
    while answer.rcode == "NOERROR" and "CNAME" in answer.records and qtype != "CNAME":
        target = answer.records["CNAME"][0]
        reply.add_answer(RR(owner, QTYPE.CNAME, rdata=CNAME(target), ttl=zone.ttl))
        owner, answer = DNSLabel(target), zone.find(target)
    if answer.rcode == "NOERROR":
        for value in answer.records.get(qtype, ()):
            reply.add_answer(RR(owner, getattr(QTYPE, qtype), rdata=_RDATA[qtype](value), ttl=zone.ttl))
    # RFC 6604 §2.1: after a CNAME chain, the rcode is that of the last name.
    reply.header.rcode = getattr(RCODE, answer.rcode)
    entry = {
        "qname": str(question.qname).rstrip("."),
        "qtype": qtype,
        "rcode": answer.rcode,
        "rule": first.rule,
        "answers": len(reply.rr),
        "delay_s": first.delay_s,
    }
    return Reply(reply.pack(), first.delay_s, entry)

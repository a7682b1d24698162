"""One spec case's detail in the HTML report: what was promised, what was expected, what came back.

Each fact appears once: the requirement (ID, level, statement, sources,
accepted variation), then the checks as evidence (a PASS reads "got 'vm', a
non-empty str", a FAIL "expected 3; got 2"), then, for program cases, the
command as the user would type it, its exit status, stdout, stderr and the
bytes on the wire.  pytest's own log of the case (a skip reason as a Python
tuple, the assertion again, the kit's file paths) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from sockspec.citations import citation_label, citation_url
from sockspec.requirements import Requirement
from sockspec.verdicts import Verdict

__all__ = ["case_detail"]

#: What :mod:`sockspec.process` writes as a program's transcript.
_TRANSCRIPT = re.compile(
    r"\Acommand: (?P<command>.*?)\nexit status: (?P<status>[^\n]*)\n"
    r"--- stdout ---\n(?P<stdout>.*?)--- stderr ---\n(?P<stderr>.*)\Z",
    re.DOTALL,
)
#: The resolver sandbox's launcher (sockspec/sandbox/) ends its own arguments with `` -- ``.
_LAUNCHER = "sockspec.sandbox.launcher"
_DID_NOT_RAISE = re.compile(r"DID NOT RAISE <class '(?:\w+\.)*(\w+)'>")


def _requirement(req: Requirement) -> str:
    cites = ", ".join(
        f'<a href="{escape(citation_url(c))}">{escape(citation_label(c))}</a>'
        if citation_url(c)
        else escape(citation_label(c))
        for c in req.cite
    )
    accepts = f"<div><span class='k'>accepted variation</span> {escape(req.accepts)}</div>" if req.accepts else ""
    return (
        f"<div class='req'><b>{escape(req.id)}</b> <span class='level'>{req.level}</span> {escape(req.statement)}</div>"
        f"<div><span class='k'>sources</span> {cites}</div>{accepts}"
    )


def _check(check: dict[str, str], failed: bool) -> str:
    what, expected, actual = (escape(check[k]) for k in ("check", "expected", "actual"))
    if failed:
        return f"<li class='bad'>{what}: expected {expected}; <b>got {actual}</b></li>"
    if check["expected"] == check["actual"]:
        return f"<li>{what}: got {actual}, as expected</li>"
    return f"<li>{what}: got {actual}, {expected}</li>"


def _outcome(verdict: Verdict, message: str, checks: Sequence[dict[str, str]]) -> str:
    """The checks as evidence, and the failure once: by its check, or by the exception that ended the case."""
    failing = not verdict.met and verdict.judged
    # The check helpers record the value, then raise naming it: the last check is then the failing one.
    by_check = failing and bool(checks) and checks[-1]["check"] in message
    items = [_check(c, by_check and i == len(checks) - 1) for i, c in enumerate(checks)]
    if failing and not by_check:
        raised = _DID_NOT_RAISE.search(message)
        if raised:
            items.append(f"<li class='bad'>expected {escape(raised.group(1))}; <b>got no exception</b></li>")
        else:
            items.append(f"<li class='bad'>expected the requirement to hold; <b>got {escape(message)}</b></li>")
    elif message and (not verdict.judged or verdict == Verdict.EXPECTED_FAIL):
        items.append(f"<li>{escape(message)}</li>")
    return f"<ul class='checks'>{''.join(items)}</ul>" if items else ""


def _command(command: str) -> str:
    """The command as the user would type it; a sandbox launcher in front of it behind a toggle."""
    if _LAUNCHER not in command or " -- " not in command:
        return f"<div><span class='k'>command</span> <code>{escape(command)}</code></div>"
    launcher, own = command.split(" -- ", 1)
    return (
        f"<div><span class='k'>command</span> <code>{escape(own)}</code></div>"
        "<details class='launcher'><summary>run inside the resolver sandbox (launcher)</summary>"
        f"<pre>{escape(launcher)} --</pre></details>"
    )


def _transcript(title: str, text: str) -> str:
    found = _TRANSCRIPT.match(text)
    if found is None:  # the bytes on the wire, a server's stderr: shown as they are
        return f"<div class='transcript'><div class='k'>{escape(title)}</div><pre>{escape(text)}</pre></div>"
    parts = [_command(found["command"]), f"<div><span class='k'>exit status</span> {escape(found['status'])}</div>"]
    for stream in ("stdout", "stderr"):
        body = found[stream]
        shown = f"<pre>{escape(body)}</pre>" if body.strip() else " <i>(empty)</i>"
        parts.append(f"<div><span class='k'>{stream}</span>{shown}</div>")
    return f"<div class='transcript'><div class='k'>{escape(title)}</div>{''.join(parts)}</div>"


def case_detail(req: Requirement, verdict: Verdict, report: Any) -> str:
    """The detail of one graded case, from the attributes :mod:`sockspec.grading` put on its report."""
    facts = "".join(
        f"<li>{escape(str(f['label']))}: {escape(repr(f['value']))}</li>" for f in getattr(report, "sockspec_facts", [])
    )
    return (
        "<div class='sockspec-case'>"
        + _requirement(req)
        + _outcome(verdict, getattr(report, "sockspec_message", ""), getattr(report, "sockspec_checks", []))
        + (f"<ul class='facts'>{facts}</ul>" if facts else "")
        + "".join(_transcript(t["title"], t["text"]) for t in getattr(report, "sockspec_transcripts", []))
        + "</div>"
    )

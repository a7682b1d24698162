"""Checks on what a program printed and how it exited, for every program spec.

Expected lines are templates from the data files, filled with values the
spec computes from an oracle (the standard library on this machine), and
compared with trailing whitespace stripped.  A check records what it
expected and what it saw on the case (``sockspec.expect_that``), so a
report shows both whatever the verdict.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sockspec import expect_that
from sockspec.process import Completed, numbers_named

CTIME = (
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d \d{4}"
)
TRACEBACK = "Traceback (most recent call last)"


# -- lines from templates -------------------------------------------------------


def fill(template: str, values: Mapping[str, Any]) -> list[str]:
    """A data-file template with its ``{name}`` placeholders filled in.

    A value that is a list is a set of accepted values: the template then
    gives one accepted line per value (per combination, for several lists).
    """
    names = [name for name in values if isinstance(values[name], list) and "{" + name + "}" in template]
    forms: list[str] = []
    for combination in itertools.product(*(values[name] for name in names)):
        text = template.format_map({**values, **dict(zip(names, combination, strict=True))})
        if text not in forms:
            forms.append(text)
    return forms


def accepted_lines(expect: Sequence[str | Sequence[str]], values: Mapping[str, Any]) -> list[list[str]]:
    """Each expected line as the list of its accepted forms, placeholders filled in."""
    accepted = []
    for line in expect:
        templates = [line] if isinstance(line, str) else list(line)
        accepted.append([form for template in templates for form in fill(template, values)])
    return accepted


def template_regex(template: str, **fields: str) -> str:
    """A template as a regex for a whole line: literal text escaped, each ``{name}`` replaced by ``fields[name]``."""
    parts = re.split(r"\{(\w+)\}", template)
    body = "".join(re.escape(part) if n % 2 == 0 else f"(?P<{part}>{fields[part]})" for n, part in enumerate(parts))
    return body + r"\Z"


def _first_wrong(lines: Sequence[str], fits: Sequence[Callable[[str], bool]]) -> int | None:
    """The number of the first line that does not fit (or is missing, or is one too many); None if all fit."""
    for n, fit in enumerate(fits, 1):
        if n > len(lines) or not fit(lines[n - 1].rstrip()):
            return n
    return len(fits) + 1 if len(lines) > len(fits) else None


def expect_lines(what: str, lines: Sequence[str], accepted: Sequence[Sequence[str]]) -> None:
    """Check ``lines`` line by line: exactly as many as expected, each one of its accepted forms."""
    __tracebackhide__ = True
    shown = [forms[0] if len(forms) == 1 else "one of " + " | ".join(map(repr, forms)) for forms in accepted]
    wrong = _first_wrong(lines, [lambda line, forms=forms: line in forms for forms in accepted])
    where = f" (first difference on line {wrong})" if wrong else ""
    expect_that(what + where, wrong is None, expected=f"{len(accepted)} lines: {shown}", actual=list(lines))


def expect_line_shapes(what: str, lines: Sequence[str], templates: Sequence[str], **fields: str) -> None:
    """Check ``lines`` against templates whose ``{name}`` parts are the regexes ``fields[name]``."""
    __tracebackhide__ = True
    patterns = [re.compile(template_regex(template, **fields)) for template in templates]
    wrong = _first_wrong(lines, [lambda line, p=p: p.match(line) is not None for p in patterns])
    where = f" (first difference on line {wrong})" if wrong else ""
    shown = f"{len(templates)} lines: {list(templates)} ({', '.join(f'{{{k}}}: {v}' for k, v in fields.items())})"
    expect_that(what + where, wrong is None, expected=shown, actual=list(lines))


def expect_port_named(what: str, line: str | None, port: int) -> None:
    """``line`` names ``port`` as a number of its own: the fact docs/programs.md asks a server to print."""
    __tracebackhide__ = True
    named = line is not None and port in numbers_named(line)
    expect_that(what, named, expected=f"a line naming port {port}, the port it listens on", actual=line)


def expect_exit(what: str, done: Completed, code: int) -> None:
    __tracebackhide__ = True
    expect_that(f"exit status of {what}", done.returncode == code, expected=str(code), actual=done.returncode)


def expect_exit_nonzero(what: str, done: Completed) -> None:
    """An error exit: a status from 1 to 255, not death by a signal."""
    __tracebackhide__ = True
    expect_that(
        f"exit status of {what}",
        done.returncode > 0,
        expected="non-zero (an error exit, not death by a signal)",
        actual=done.returncode,
    )


def expect_no_traceback(what: str, done: Completed | bytes) -> None:
    """No interpreter traceback on stderr: errors are reported as one line, not as a crash."""
    __tracebackhide__ = True
    err = done if isinstance(done, bytes) else done.stderr
    text = err.decode("utf-8", "replace")
    expect_that(
        f"stderr of {what}",
        TRACEBACK not in text,
        expected="no traceback",
        actual=text[-600:],
    )


def message_lines(done: Completed, sent: bytes = b"") -> list[str]:
    """The diagnostic lines a failed run printed: stderr, then stdout after the bytes the peer had sent.

    A client copies a response to stdout before a failure, so a message printed
    on stdout may follow those bytes on the same line.
    """
    out = done.stdout
    if sent:
        common = next((n for n, (a, b) in enumerate(zip(out, sent, strict=False)) if a != b), min(len(out), len(sent)))
        out = out[common:]
    text = done.stderr.decode("utf-8", "replace") + "\n" + out.decode("utf-8", "replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def expect_message(what: str, done: Completed, patterns: Sequence[str], sent: bytes = b"") -> str:
    """A line on stderr or stdout matching one of the regexes ``patterns`` (at its start); that line."""
    __tracebackhide__ = True
    lines = message_lines(done, sent)
    found = [line for line in lines if any(re.match(p, line) for p in patterns)]
    expect_that(
        f"message of {what}",
        bool(found),
        expected="a line on stderr or stdout matching " + " or ".join(map(repr, patterns)),
        actual=lines[-5:],
    )
    return found[0]


def expect_usage_error(what: str, done: Completed) -> None:
    """Exit status exactly 2, a message on stderr, no traceback (docs/programs.md fixes no words for it)."""
    __tracebackhide__ = True
    expect_exit(what, done, 2)
    err = done.stderr.decode("utf-8", "replace")
    expect_that(f"stderr of {what}", err.strip() != "", expected="a usage message", actual=err[-600:])
    expect_no_traceback(what, done)


# -- failures, messages, times ---------------------------------------------------


def output(done: Completed) -> str:
    return done.text + "\n" + done.stderr.decode("utf-8", "replace")


def expect_failure_exit(what: str, done: Completed) -> None:
    """A non-zero exit status, by exiting rather than by dying of a signal, and no traceback on either stream."""
    __tracebackhide__ = True
    expect_exit_nonzero(what, done)
    text = output(done)
    expect_that(
        f"output of {what}",
        TRACEBACK not in text,
        expected="an error message, not a Python traceback",
        actual=text[-800:],
    )


_PLACEHOLDER = re.compile(r"(\{\w+\})")


def line_pattern(template: str, values: Mapping[str, Any]) -> re.Pattern[str]:
    """A data-file line as a regex: ``{ctime}`` is any time.ctime() string, ``{name}`` its value, the rest literal."""

    def part(text: str) -> str:
        if not _PLACEHOLDER.fullmatch(text):
            return re.escape(text)
        return CTIME if text == "{ctime}" else re.escape(str(values[text[1:-1]]))

    return re.compile("".join(part(text) for text in _PLACEHOLDER.split(template)))


def expect_transcript(what: str, done: Completed, templates: list[str], values: Mapping[str, Any]) -> None:
    """stdout is exactly the data file's lines (trailing blanks aside), placeholders filled in."""
    __tracebackhide__ = True
    patterns = [line_pattern(template, values) for template in templates]
    lines = done.lines
    ok = len(lines) == len(patterns) and all(p.fullmatch(line) for p, line in zip(patterns, lines, strict=False))
    filled = [t.replace("{port}", str(values.get("port", "{port}"))) for t in templates]
    expect_that(
        f"stdout of {what}",
        ok,
        expected=f"{len(templates)} line(s) {filled}, {{ctime}} a time.ctime() string",
        actual=lines,
    )


def expect_no_line(what: str, done: Completed, pattern: re.Pattern[str], meaning: str) -> None:
    __tracebackhide__ = True
    found = [line for line in done.lines if pattern.search(line)]
    expect_that(f"stdout of {what}", not found, expected=f"no {meaning}", actual=found or done.lines)


def expect_output_matching(what: str, done: Completed, pattern: str) -> None:
    """The regex ``pattern`` matches somewhere in stdout or stderr (:func:`expect_message` wants a line's start)."""
    __tracebackhide__ = True
    text = output(done)
    lines = [line for line in text.splitlines() if line.strip()]
    expect_that(
        f"message of {what}",
        re.search(pattern, text) is not None,
        expected=f"a line on stdout or stderr matching {pattern!r}",
        actual=lines[-4:],
    )


def expect_duration(what: str, seconds: float, low: float, high: float) -> None:
    __tracebackhide__ = True
    expect_that(
        f"run time of {what}",
        low <= seconds <= high,
        expected=f"between {low:g} and {high:g} s",
        actual=round(seconds, 3),
    )


def accepted_times(started: float, ended: float, offset: float, early: int, late: int) -> list[str]:
    """Every ctime line a correct client may print for a server clock ``offset`` seconds ahead.

    The server's transmit time falls between ``started`` and ``ended`` on its
    clock, so a client that truncates prints one of those seconds; ``late``
    more allow for rounding, ``early`` fewer for nothing the kit knows of.
    """
    low = math.floor(started + offset) - early
    high = math.floor(ended + offset) + late
    return [time.ctime(t) for t in range(low, high + 1)]

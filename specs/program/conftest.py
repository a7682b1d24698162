"""Plumbing for the program specs: shared runs, servers under test, transcript checks.

Strategy: a program spec runs the IUT's recipe as a command and judges what
it printed, its exit status and what it did on the wire.  Starting a program
costs about 0.1 s, so several requirements may judge the same run: ``shared``
runs a scenario once per session and attaches its transcripts to every case
that reads it again.  Server recipes are started with ``start_server`` and
always killed and reaped at teardown.  Expected lines are templates from the
data files, filled with values the spec computes from an oracle (the
standard library on this machine), and compared with trailing whitespace
stripped.
"""

from __future__ import annotations

import itertools
import re
import socket as stdlib  # oracle and peer; never the thing under test
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sockspec import expect_that, not_applicable
from sockspec.addresses import LOOPBACK
from sockspec.checks import attach
from sockspec.process import Child, Completed
from sockspec.programs import Programs
from sockspec.shared_runs import Shared

#: Timeout of every socket the specs use as a peer, in seconds.
PEER_TIMEOUT = 1.0
#: How long a server recipe may take to print its first lines, or to exit when asked.
SERVER_WAIT = 3.0

HOSTS_FILE = Path("/etc/hosts")


# -- shared runs --------------------------------------------------------------


@pytest.fixture(scope="session")
def shared() -> Shared:
    """Runs that several cases judge, made once for the session (see ``sockspec.shared_runs``)."""
    return Shared()


def run_once(
    shared: Shared, programs: Programs, recipe: str, *args: str, within: Any = None, timeout: float | None = None
) -> Completed:
    """``programs.run(recipe, *args)`` at most once per session for the same command."""
    key = (recipe, args, within is not None)
    return shared.get(key, lambda: programs.run(recipe, *args, within=within, timeout=timeout))


# -- transcripts --------------------------------------------------------------


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
        "Traceback (most recent call last)" not in text,
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
    """Exit status exactly 2, a usage message on stderr, no traceback (the argparse convention)."""
    __tracebackhide__ = True
    expect_exit(what, done, 2)
    err = done.stderr.decode("utf-8", "replace")
    expect_that(f"stderr of {what}", "usage" in err.lower(), expected="a usage message", actual=err[-600:])
    expect_no_traceback(what, done)


# -- oracle facts -------------------------------------------------------------


def hosts_ipv4_of(name: str, hosts: Path = HOSTS_FILE) -> list[str]:
    """The IPv4 addresses ``hosts`` lists for ``name``: a lookup of it never becomes a DNS query."""
    try:
        text = hosts.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and name.lower() in (f.lower() for f in fields[1:]):
            try:
                stdlib.inet_aton(fields[0])
            except OSError:
                continue
            if fields[0].count(".") == 3:
                found.append(fields[0])
    return found


# -- servers under test -------------------------------------------------------


class Started(Child):
    """A server recipe that announced itself with its first ``lines`` lines, stopped within ``SERVER_WAIT``.

    ``Programs.spawn`` wants ``HOST:PORT`` on the first line; the tutorial's
    servers print ``('127.0.0.1', N)`` (socket-modes) or option states before
    the port (reuse-server), so these specs parse ``first_lines`` themselves.
    """

    def __init__(self, argv: Sequence[str], *, lines: int, ready_timeout: float) -> None:
        super().__init__(argv, ready_timeout=ready_timeout, ready_lines=lines)

    def stop_with(self, signum: int, timeout: float = SERVER_WAIT) -> int:
        return super().stop_with(signum, timeout)


ServerStarter = Callable[..., Started]


@pytest.fixture
def start_server(programs: Programs) -> Iterator[ServerStarter]:
    """Start server recipes for one case: ``start_server(recipe, *args, lines=N)``; all stopped at teardown."""
    started: list[Started] = []

    def start(recipe: str, *args: str, lines: int = 1) -> Started:
        server = Started(programs.argv(recipe, *args), lines=lines, ready_timeout=SERVER_WAIT)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def attach_server(title: str, server: Started) -> None:
    attach(title, server.describe())


def require_proc_stat(pid: int) -> None:
    if not Path(f"/proc/{pid}/stat").exists():
        not_applicable("CPU time is read from /proc/PID/stat, which this platform lacks")


# -- peers --------------------------------------------------------------------


def free_port() -> int:
    """A port that nothing is bound to just now (bound once to port 0, then closed)."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@contextmanager
def unlistened_port() -> Iterator[int]:
    """A port bound by a socket that never listens: a connection to it is refused."""
    with stdlib.socket(stdlib.AF_INET, stdlib.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        yield int(sock.getsockname()[1])


def connect(port: int) -> stdlib.socket:
    sock = stdlib.create_connection((LOOPBACK, port), timeout=PEER_TIMEOUT)
    sock.settimeout(PEER_TIMEOUT)
    return sock

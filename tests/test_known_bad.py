"""Known-bad program implementations fail exactly what they break, promptly, and leave nothing behind.

Each fake in tests/impls/ is the program IUT of a child pytest
(``run_specs``) over the spec modules it touches.  Its test asserts:

- the exact sets of requirement IDs with a FAIL and with a NON-STRICT case
  (golden lists: change them only together with the fake or the specs);
- that the run ends by itself (no hang): every case ends within the longest
  deadline of the kit the fake can run into plus ``CASE_MARGIN``, and the
  whole run within ``RUN_LIMIT``; both bounds come from the kit's own
  deadlines, not from wall time measured here, so they hold on a machine
  whose cores are busy with other work (docs/architecture.md, "Deadlines");
- that afterwards no process of the run is alive and no socket of the run
  is listening.

Every process of a child run inherits an environment tag, so a survivor is
found through /proc/PID/environ whatever its name (a fake, a forked helper,
the kit's own reference servers); processes whose command line names the
fake are checked as well.  Listening sockets are compared before and after
the run (/proc/net/tcp*, state LISTEN, and bound UDP sockets) and a new one
counts when a tagged process holds it, so sockets of unrelated runs on the
same machine (another xdist worker, another engineer) do not.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sockspec.requirements import Catalogue
from specs.program._peers import ECHO_TIMEOUT
from specs.program._scenarios import DEADLINE_SLACK
from specs.program._servers import SERVER_WAIT
from tests.conftest import ROOT, run_specs, verdict_ids

IMPLS = ROOT / "tests" / "impls"
PROGRAM_SPECS = "specs/program"
TAG_NAME = "SOCKSPEC_KNOWN_BAD_RUN"
TRACEBACK = "Traceback (most recent call last)"

# -- deadlines --------------------------------------------------------------------

#: The longest --timeout a timeout vector gives a client (specs/data/s10_programs.json, s11_programs.json).
LONGEST_CLIENT_TIMEOUT = 2.5
#: A client that ignores its --timeout is killed this long after its start.
CLIENT_KILLED = LONGEST_CLIENT_TIMEOUT + DEADLINE_SLACK
#: SIGTERM's grace before SIGKILL (``kill_group`` in sockspec/process/_group.py).
KILL_GRACE = 0.5
#: What one case may take beyond the deadlines it waits out: starting its processes and
#: judging, on a machine whose two cores are busy with other work (about 10x a quiet run).
CASE_MARGIN = 4.0
#: The whole child run: pytest's start, collection and reports on a loaded machine, plus the
#: cases; a fake the kit fails to kill never ends, and meets this instead.
RUN_LIMIT = 180.0

# -- golden lists ---------------------------------------------------------------

NAIVE_FAILS = {
    "s03.ip4_convert.transcript",  # the two base-2 vectors: NameError, exit 1
    "s03.ip4_convert.remote-host",  # www.python.org in base 2, in the sandbox
    "s06.socket_modes.idle-cpu",  # spins on listen(): 100% of a CPU
    "s07.http_get.response-bytes",  # 3 KiB and 1 MiB bodies are not UTF-8: traceback, nothing written
    "s07.http_get.reset",  # the decode fails on the first chunk, before the reset: a traceback
    "s09.reuse_server.restart",  # no SO_REUSEADDR: cannot bind over the TIME_WAIT
    "s10.sntp_time.timeout",  # no timeout: killed by the kit
    "s11.echo_client.counts-bytes",  # prints after 13 bytes, half of the reply
    "s11.echo_server.payload-sizes",  # 2049, 65536 and 1 MiB: 2048 bytes come back
    "s11.echo_server.until-close",  # round 2 finds the connection closed
    "s11.echo_server.concurrent-clients",  # the second halves find their connections closed
    "s11.echo_server.half-close",  # 256 KiB: 2048 bytes come back
}
NAIVE_NON_STRICT = {
    "s07.http_get.exit-codes",  # reset: exit 1 (traceback) instead of 6
    "s10.sntp_time.exit-codes",  # silent server: killed instead of exit 7
}
# Not caught, because not observable on the program surface: sntp-time keeping
# whole seconds only (ctime prints whole seconds and the spec allows 1 s).

HANG_FAILS = {
    "s10.sntp_server.port-zero",  # ntplib hears nothing within NTPLIB_TIMEOUT
    "s10.sntp_time.timeout",  # killed DEADLINE_SLACK after its --timeout
    "s11.echo_client.timeout",  # killed DEADLINE_SLACK after its --timeout
    "s11.echo_server.port-zero",  # nothing comes back within 2 s
}
HANG_NON_STRICT = {
    "s07.http_get.empty-response",  # killed after --io-timeout 1 instead of exiting 0
}
# s11.echo_server.binds-loopback passes: its listening socket is on 127.0.0.1.

#: Every requirement of the server recipes, in the order of the data files.
SNTP_SERVER = tuple(
    f"s10.sntp_server.{name}"
    for name in (
        "port-zero",
        "mode",
        "version",
        "originate",
        "stratum",
        "poll",
        "leap",
        "timestamps",
        "reference-id",
        "offset",
        "ignores-malformed",
        "no-amplification",
    )
)
#: The server recipes' SHOULD requirements.
SNTP_SERVER_SHOULD = ("s10.sntp_server.precision", "s10.sntp_server.era-2036")
ECHO_SERVER = tuple(
    f"s11.echo_server.{name}"
    for name in (
        "port-zero",
        "payload-sizes",
        "binary-fidelity",
        "text-encodings",
        "until-close",
        "concurrent-clients",
        "half-close",
        "survives-reset",  # for garbage: alive, but the next client's echo is wrong too
    )
)
REUSE_SERVER = tuple(f"s09.reuse_server.{name}" for name in ("banner", "clients", "closes", "restart", "sigint"))

CRASH_FAILS = {
    "s05.byte_order.transcript",
    "s05.byte_order.usage",  # exit 1, not 2
    "s07.http_get.refused",  # a traceback, not 'Connection error: ...'
    "s07.http_get.usage",
    "s08.buffer_size.transcript",
    "s08.buffer_size.after",
    "s08.buffer_size.options",
    "s08.buffer_size.huge",  # a traceback
    "s08.buffer_size.usage",
    "s09.reuse_server.usage",
    *REUSE_SERVER,
    *SNTP_SERVER,
    *ECHO_SERVER,
    "s11.echo_client.wire-bytes",  # it sends nothing
    "s11.echo_client.prints-reply",
    "s11.echo_client.counts-bytes",
    "s11.echo_client.partial-reads",
    "s11.echo_client.decodes-whole",
    "s11.echo_client.early-close",  # a traceback, not a one-line error
    "s11.echo_client.timeout",
    "s11.echo_client.refused",
    "s11.echo_client.address-error",
    "s11.echo_client.usage",  # exit 1 and a traceback, not a usage error
}
CRASH_NON_STRICT = {
    "s05.byte_order.value",
    "s05.byte_order.wide",
    *SNTP_SERVER_SHOULD,
    "s10.sntp_server.sigterm",  # it never listens
    "s10.sntp_server.sigint",
    "s11.echo_server.binds-loopback",  # it never listens
    "s11.echo_client.exit-codes",  # always 1
}

GARBAGE_FAILS = {*SNTP_SERVER, *ECHO_SERVER} - {"s10.sntp_server.reference-id"}
# s11.echo_server.binds-loopback passes: its listening socket is on 127.0.0.1.

SLOW_FAILS = {
    "s11.echo_server.text-encodings",  # 26 and 39 bytes need 2.6 and 3.9 s; the kit waits 2 s
}
# s11.echo_server.port-zero passes: 4 bytes take 0.4 s.  binds-loopback passes (127.0.0.1).


def _backpressure_deadline() -> float:
    """The backpressure case's own deadline, from its vector: late + stall + the volume at the slowest rate."""
    (vector,) = Catalogue.load(ROOT / "specs" / "data").vectors("s11.echo_server.backpressure")
    spec = vector["input"]
    return float(spec["late"] + spec["stall"] + spec["clients"] * spec["size"] / spec["min_rate"])


BACKPRESSURE_DEADLINE = _backpressure_deadline()


# The last value of each range: 2147483647 refused; port 65535 and 2**32-1 are SHOULD cases.
TOP_SHORT_FAILS = {"s08.buffer_size.options"}
TOP_SHORT_NON_STRICT = {"s04.service_name.exit-codes", "s05.byte_order.wide"}  # exit 2, no 32-bit line
# Both clients decode a version-0 reply into a ValueError: a traceback, neither the time nor a refusal.
PICKY_CODEC_FAILS = {"s10.sntp_time.odd-reply", "s10.ntp_time.odd-reply"}

# Every echo-server case but the backpressure one reads its echo as it sends, so no send() falls short.
DROP_REST_FAILS = {"s11.echo_server.backpressure"}  # a client gets too few bytes, then nothing for 2 s
SHARED_REST_FAILS = {"s11.echo_server.backpressure"}  # every client gets bytes of another one
# Its send() to the silent client waits, and so does everyone else; the backpressure clients all read.
BLOCKING_SEND_FAILS = {"s11.echo_server.slow-reader"}
BARE_SERVERS_FAILS = {"s11.echo_server.restart"}  # the second start: Address already in use
BARE_SERVERS_NON_STRICT = {  # killed by the signal: exit status -15 or -2
    "s10.sntp_server.sigterm",
    "s10.sntp_server.sigint",
    "s11.echo_server.sigterm",
    "s11.echo_server.sigint",
}


@dataclass(frozen=True)
class Fake:
    """One known-bad implementation, the specs it runs and what must come of it."""

    script: str
    args: tuple[str, ...]
    fails: set[str]
    non_strict: set[str]
    deadline: float  # the longest kit deadline one of its cases can wait out, in seconds
    not_applicable: frozenset[str] = frozenset()  # requirements whose cases are N/A against this fake

    @property
    def path(self) -> Path:
        return IMPLS / self.script


def _specs(*modules: str) -> tuple[str, ...]:
    return tuple(f"{PROGRAM_SPECS}/test_{module}.py" for module in modules)


def _reqs(*globs: str) -> tuple[str, ...]:
    return tuple(arg for glob in globs for arg in ("--req", glob))


FAKES = {
    "naive": Fake(
        "naive.py",
        _specs(
            "s03_ip4_convert",
            "s06_socket_modes",
            "s07_http_get",
            "s09_reuse_server",
            "s10_time_clients",
            "s11_echo_server",
            "s11_echo_client",
        )
        + _reqs("s03.*", "s06.*", "s07.*", "s09.*", "s10.sntp_time.*", "s11.*"),  # its ntp-time is the reference's
        NAIVE_FAILS,
        NAIVE_NON_STRICT,
        deadline=CLIENT_KILLED,  # its sntp-time has no timeout
    ),
    "hang": Fake(
        "hang.py",
        (
            *_specs("s07_http_get", "s10_time_clients", "s10_sntp_server", "s11_echo_server", "s11_echo_client"),
            "--io-timeout",
            "1",
            *_reqs(
                "s07.http_get.empty-response",
                "s10.sntp_time.timeout",
                "s10.sntp_server.port-zero",
                "s11.echo_server.port-zero",
                "s11.echo_server.binds-loopback",
                "s11.echo_client.timeout",
            ),
        ),
        HANG_FAILS,
        HANG_NON_STRICT,
        deadline=CLIENT_KILLED + KILL_GRACE,  # its clients never give up, and ignore SIGTERM
    ),
    "crash": Fake(
        "crash.py",
        (
            *_specs("s05_byte_order", "s07_http_get", "s08_buffer_size", "s09_reuse_server"),
            *_specs("s10_sntp_server", "s11_echo_server", "s11_echo_client"),
            *_reqs("s05.*", "s07.http_get.usage", "s07.http_get.refused", "s08.*", "s09.*"),
            *_reqs("s10.sntp_server.*", "s11.*"),
        ),
        CRASH_FAILS,
        CRASH_NON_STRICT,
        deadline=0.0,  # it exits at once: no case waits
    ),
    "garbage": Fake(
        "garbage.py",
        _specs("s10_sntp_server", "s11_echo_server"),
        GARBAGE_FAILS,
        {"s10.sntp_server.era-2036"},  # its precision, 0, is in range
        deadline=ECHO_TIMEOUT,  # wrong bytes, then the rest awaited
        # its replies have stratum 0: the reference-id rule is for stratum 1
        not_applicable=frozenset({"s10.sntp_server.reference-id"}),
    ),
    "slow": Fake(
        "slow.py",
        (
            *_specs("s11_echo_server"),
            *_reqs("s11.echo_server.port-zero", "s11.echo_server.text-encodings", "s11.echo_server.binds-loopback"),
        ),
        SLOW_FAILS,
        set(),
        deadline=ECHO_TIMEOUT,  # each failing exchange waits out ECHO_TIMEOUT
    ),
    "top_short": Fake(
        "top_short.py",
        (
            *_specs("s04_service_name", "s05_byte_order", "s08_buffer_size"),
            *_reqs("s04.service_name.*", "s05.byte_order.*", "s08.buffer_size.*"),
        ),
        TOP_SHORT_FAILS,
        TOP_SHORT_NON_STRICT,
        deadline=0.0,  # no recipe it runs waits for anything
    ),
    "picky_codec": Fake(
        "picky_codec.py",
        (*_specs("s10_time_clients", "s10_sntp_server"), *_reqs("s10.*")),
        PICKY_CODEC_FAILS,
        set(),
        deadline=LONGEST_CLIENT_TIMEOUT,  # its clients wait out their own --timeout for a silent server
    ),
    "drop_rest": Fake(
        "drop_rest.py",
        _specs("s11_echo_server", "s11_echo_backpressure"),
        DROP_REST_FAILS,
        set(),
        deadline=BACKPRESSURE_DEADLINE,  # its stalled clients are given up on within the case's deadline
    ),
    "shared_rest": Fake(
        "shared_rest.py",
        _specs("s11_echo_server", "s11_echo_backpressure"),
        SHARED_REST_FAILS,
        set(),
        deadline=BACKPRESSURE_DEADLINE,
    ),
    "blocking_send": Fake(
        "blocking_send.py",
        _specs("s11_echo_server", "s11_echo_backpressure", "s11_echo_server_process"),
        BLOCKING_SEND_FAILS,
        set(),
        deadline=BACKPRESSURE_DEADLINE,
    ),
    "bare_servers": Fake(
        "bare_servers.py",
        (
            *_specs("s10_sntp_server", "s11_echo_server_process"),
            *_reqs("s10.sntp_server.sig*", "s11.echo_server.sig*", "s11.echo_server.restart"),
        ),
        BARE_SERVERS_FAILS,
        BARE_SERVERS_NON_STRICT,
        deadline=SERVER_WAIT,  # a server that would not stop is waited for this long
    ),
}


# -- what a run leaves behind -----------------------------------------------------


def _pids() -> Iterator[Path]:
    return (entry for entry in Path("/proc").iterdir() if entry.name.isdigit())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # the process is gone, or not ours to read
        return b""


def _cmdline(proc: Path) -> str:
    return _read(proc / "cmdline").replace(b"\0", b" ").decode("utf-8", "replace").strip()


def tagged_processes(tag: str) -> dict[int, str]:
    """Live processes whose environment carries ``tag``: pid to command line."""
    wanted = f"{TAG_NAME}={tag}".encode()
    found = {}
    for proc in _pids():
        if wanted in _read(proc / "environ").split(b"\0"):
            found[int(proc.name)] = _cmdline(proc)
    return found


def processes_naming(path: Path) -> dict[int, str]:
    """Live processes whose command line mentions ``path``."""
    found = {}
    for proc in _pids():
        cmdline = _cmdline(proc)
        if str(path) in cmdline and int(proc.name) != os.getpid():
            found[int(proc.name)] = cmdline
    return found


def _address(field: str) -> str:
    """A /proc/net address ``0100007F:1F90`` as ``127.0.0.1:8080`` (IPv6 left in hex)."""
    address, port = field.rsplit(":", 1)
    if len(address) == 8:
        address = ".".join(str(b) for b in reversed(bytes.fromhex(address)))
    return f"{address}:{int(port, 16)}"


def listening_sockets() -> dict[str, str]:
    """Listening TCP and bound, unconnected UDP sockets of this network namespace: inode to 'proto addr:port'."""
    found = {}
    for proto, state in (("tcp", "0A"), ("tcp6", "0A"), ("udp", "07"), ("udp6", "07")):  # LISTEN, unconnected
        for row in _read(Path("/proc/net") / proto).decode().splitlines()[1:]:
            fields = row.split()
            if len(fields) > 9 and fields[3] == state and fields[9] != "0":
                found[fields[9]] = f"{proto} {_address(fields[1])}"
    return found


def socket_owners(inodes: set[str]) -> dict[str, set[int]]:
    """The pids holding each of ``inodes`` open."""
    owners: dict[str, set[int]] = {inode: set() for inode in inodes}
    targets = {f"socket:[{inode}]": inode for inode in inodes}
    for proc in _pids():
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                link = fd.readlink().name
            except OSError:
                continue
            if link in targets:
                owners[targets[link]].add(int(proc.name))
    return owners


@dataclass
class Outcome:
    code: int
    data: dict[str, Any]
    output: str
    processes: dict[int, str]
    sockets: list[str]

    def ids(self, verdict: str) -> set[str]:
        return verdict_ids(self.data, verdict)


def run_fake(fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """Run the specs against ``fake``; what came of it and what it left behind."""
    tag = uuid.uuid4().hex
    before_named = set(processes_naming(fake.path))
    before_sockets = set(listening_sockets())
    monkeypatch.setenv(TAG_NAME, tag)  # run_specs hands our environment to the child
    try:
        code, data, output = run_specs(tmp_path, *fake.args, "--impl-cmd", f"{{python}} {fake.path}", timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the run against {fake.script} did not end within {RUN_LIMIT:g} s: a hang the kit did not kill")
    monkeypatch.delenv(TAG_NAME)
    survivors = tagged_processes(tag)
    survivors.update({pid: cmd for pid, cmd in processes_naming(fake.path).items() if pid not in before_named})
    new_sockets = {inode: what for inode, what in listening_sockets().items() if inode not in before_sockets}
    tagged = set(tagged_processes(tag))
    left = [
        f"{what} held by {sorted(pids)}"
        for inode, pids in socket_owners(set(new_sockets)).items()
        if pids & tagged
        for what in [new_sockets[inode]]
    ]
    return Outcome(code, data, output, survivors, left)


def _summary_line(output: str) -> str:
    lines = [line for line in output.splitlines() if re.search(r"\b(passed|failed)\b.* in [\d.]+s", line)]
    return lines[-1] if lines else output[-2000:]


@pytest.mark.parametrize("name", list(FAKES))
def test_fake_fails_exactly_its_mistakes(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FAKES[name]
    outcome = run_fake(fake, tmp_path, monkeypatch)
    summary = _summary_line(outcome.output)
    assert outcome.code == 1, outcome.output[-4000:]
    assert not re.search(r"\d+ errors?\b", summary), outcome.output[-4000:]  # a kit error is no verdict
    assert outcome.data["implementation"] == fake.script  # the kit names a --impl-cmd run after the script it runs
    verdicts = {case["verdict"] for case in outcome.data["cases"]}
    assert verdicts <= {"PASS", "FAIL", "NON-STRICT", "INFO", "N/A"}, summary
    assert outcome.ids("FAIL") == fake.fails, summary
    assert outcome.ids("N/A") == fake.not_applicable, summary
    assert outcome.ids("NON-STRICT") == fake.non_strict, summary
    bound = fake.deadline + CASE_MARGIN
    slow = {case["nodeid"]: case["duration"] for case in outcome.data["cases"] if case["duration"] > bound}
    assert slow == {}, f"{name}: cases that outlasted {bound:g} s (deadline {fake.deadline:g} s + margin)"
    assert outcome.processes == {}, "processes of the run still alive"
    assert outcome.sockets == [], "sockets of the run still listening"
    if name == "crash":
        _check_crash_transcripts(outcome.data)


def _check_crash_transcripts(data: dict[str, Any]) -> None:
    """Every crashed case shows the traceback in a transcript (JSON report, hence HTML too)."""
    missing = set()
    for case in data["cases"]:
        if case["verdict"] not in ("FAIL", "NON-STRICT"):
            continue
        text = "\n".join(transcript["text"] for transcript in case["transcripts"])
        if TRACEBACK not in text or "deliberate crash of the known-bad implementation" not in text:
            missing.add(case["requirement"])
    assert missing == set(), f"cases without the crash's traceback in a transcript: {sorted(missing)}"

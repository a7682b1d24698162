"""The sandbox end to end: lookups, isolation, teardown, exit status and signals.

Every name lookup below runs inside a sandbox, never on the host.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sockspec.sandbox import ResolverSandbox
from sockspec.sandbox._etc import resolv_conf

from .conftest import ZONE, RunPython

# Runs inside the sandbox and prints one JSON object: what each probe gave.
SURVEY = r"""
import json, os, socket, time
from dnslib import DNSRecord

def attempt(call, *args):
    start = time.monotonic()
    try:
        value = call(*args)
    except OSError as exc:
        return {"error": type(exc).__name__, "errno": exc.errno, "strerror": exc.strerror,
                "elapsed": time.monotonic() - start}
    return {"value": value, "elapsed": time.monotonic() - start}

def connect(address):
    with socket.socket() as sock:
        sock.settimeout(5)
        sock.connect((address, 80))

def ask_over_tcp(name):
    reply = DNSRecord.parse(DNSRecord.question(name).send("127.0.0.1", 53, tcp=True, timeout=2))
    return [str(rr.rdata) for rr in reply.rr]

calls = [
    ("gethostbyname", "www.python.org"),
    ("gethostbyname_ex", "www.sockspec.test"),
    ("gethostbyaddr", "192.0.2.10"),
    ("gethostbyaddr", "2001:db8::30"),
    ("gethostbyname", "x.invalid"),
    ("gethostbyname", "servfail.sockspec.test"),
    ("gethostbyname", "slow.sockspec.test"),
    ("gethostbyname", "localhost"),
    ("gethostbyaddr", "127.0.0.1"),
    ("gethostbyname", socket.gethostname()),
]
survey = {f"{name} {arg}": attempt(getattr(socket, name), arg) for name, arg in calls}
survey["own host name"] = socket.gethostname()
survey["connect 192.0.2.1"] = attempt(connect, "192.0.2.1")
survey["tcp www.python.org"] = attempt(ask_over_tcp, "www.python.org")
survey["interfaces"] = [name for _, name in socket.if_nameindex()]
survey["resolver env"] = sorted(set(os.environ) & {"LOCALDOMAIN", "RES_OPTIONS", "HOSTALIASES"})
survey["resolv.conf"] = open("/etc/resolv.conf").read()
print(json.dumps(survey))
"""

# Set around the sandbox; the launcher must keep them from the command.
HOSTILE_ENV = {"LOCALDOMAIN": "example.org", "RES_OPTIONS": "ndots:1 timeout:5 attempts:3", "HOSTALIASES": "/dev/null"}


@pytest.fixture(scope="module")
def surveyed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The survey's results and the stub's query log."""
    reason = ResolverSandbox.unavailable_reason()
    if reason is not None:
        pytest.skip(f"the resolver sandbox is unavailable here: {reason}")
    sandbox = ResolverSandbox(ZONE, tmp_path_factory.mktemp("survey"))
    proc = subprocess.run(
        sandbox.wrap([sys.executable, "-c", SURVEY]),
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, **HOSTILE_ENV},
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    return json.loads(proc.stdout), sandbox.queries()


@pytest.fixture(scope="module")
def survey(surveyed: tuple[dict[str, Any], list[dict[str, Any]]]) -> dict[str, Any]:
    return surveyed[0]


def logged(queries: list[dict[str, Any]], qname: str) -> list[tuple[str, str, str]]:
    return [(q["qtype"], q["rcode"], q["rule"]) for q in queries if q.get("qname") == qname]


def test_tutorial_name(survey: dict[str, Any]) -> None:
    assert survey["gethostbyname www.python.org"]["value"] == "151.101.76.223"


def test_alias(survey: dict[str, Any]) -> None:
    expected = ["web.sockspec.test", ["www.sockspec.test"], ["192.0.2.10", "192.0.2.11"]]
    assert survey["gethostbyname_ex www.sockspec.test"]["value"] == expected


def test_reverse_lookups(survey: dict[str, Any]) -> None:
    assert survey["gethostbyaddr 192.0.2.10"]["value"] == ["web.sockspec.test", [], ["192.0.2.10"]]
    assert survey["gethostbyaddr 2001:db8::30"]["value"] == ["dual.sockspec.test", [], ["2001:db8::30"]]


def test_invalid_name_is_answered_nxdomain_by_the_stub(surveyed: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    survey, queries = surveyed
    result = survey["gethostbyname x.invalid"]
    assert (result["error"], result["errno"]) == ("gaierror", socket.EAI_NONAME)
    assert logged(queries, "x.invalid") == [("A", "NXDOMAIN", "suffix:invalid")]


def test_servfail_is_a_temporary_failure(survey: dict[str, Any]) -> None:
    result = survey["gethostbyname servfail.sockspec.test"]
    assert (result["error"], result["errno"]) == ("gaierror", socket.EAI_AGAIN)


def test_slow_name_times_out_after_about_a_second(survey: dict[str, Any]) -> None:
    result = survey["gethostbyname slow.sockspec.test"]
    assert (result["error"], result["errno"]) == ("gaierror", socket.EAI_AGAIN)
    assert 0.8 < result["elapsed"] < 2.5  # RES_OPTIONS outside asked for 3 attempts of 5 s


def test_local_names_still_resolve(survey: dict[str, Any]) -> None:
    assert survey["gethostbyname localhost"]["value"] == "127.0.0.1"
    assert survey["gethostbyaddr 127.0.0.1"]["value"] == ["localhost", [], ["127.0.0.1"]]
    assert survey[f"gethostbyname {survey['own host name']}"]["value"] == "127.0.1.1"


def test_only_the_stub_was_asked(surveyed: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    _, queries = surveyed
    # Hosts-file names never reach the stub; the ip6.arpa name is 2001:db8::30's.
    asked = {q["qname"] for q in queries}
    assert asked <= {
        "www.python.org",
        "www.sockspec.test",
        "10.2.0.192.in-addr.arpa",
        "0.3.0.0." + "0." * 20 + "8.b.d.0.1.0.0.2.ip6.arpa",
        "x.invalid",
        "servfail.sockspec.test",
        "slow.sockspec.test",
    } | {f"{name}.{domain}" for name in ("www.python.org", "x.invalid") for domain in _search_domains()}


def test_stub_answers_over_tcp(surveyed: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    survey, queries = surveyed
    assert survey["tcp www.python.org"]["value"] == ["151.101.76.223"]
    assert any(q["transport"] == "tcp" for q in queries)


def test_only_loopback_exists(survey: dict[str, Any]) -> None:
    assert survey["interfaces"] == ["lo"]
    result = survey["connect 192.0.2.1"]
    assert (result["error"], result["errno"]) == ("OSError", errno.ENETUNREACH)
    assert result["elapsed"] < 0.5


def test_resolver_files_and_environment(survey: dict[str, Any]) -> None:
    assert survey["resolv.conf"] == resolv_conf()
    assert survey["resolver env"] == []


def test_stdin_and_stdout_pass_through(run_python: RunPython) -> None:
    proc = run_python("import sys; sys.stdout.write(sys.stdin.read().upper())", input="echo")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ECHO", "")


@pytest.mark.parametrize(
    ("code", "status"),
    [("raise SystemExit(7)", 7), ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", 128 + signal.SIGTERM)],
    ids=["exit-7", "killed-by-SIGTERM"],
)
def test_exit_status_propagates(run_python: RunPython, code: str, status: int) -> None:
    assert run_python(code).returncode == status


def test_missing_command_exits_127(sandbox: ResolverSandbox) -> None:
    proc = subprocess.run(sandbox.wrap(["no-such-command-sockspec"]), capture_output=True, text=True, timeout=10)
    assert proc.returncode == 127
    assert proc.stderr == "sockspec sandbox: cannot run 'no-such-command-sockspec': No such file or directory\n"


def test_leftover_processes_die_with_the_command(run_python: RunPython) -> None:
    marker = f"sockspec-test-{uuid.uuid4()}"
    # The sleeper inherits stdout: run() returns only once it is gone.
    proc = run_python(f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {SLEEP!r}, {marker!r}])")
    assert proc.returncode == 0
    assert _gone(marker)


def test_sigkill_to_the_sandbox_kills_everything_inside(sandbox: ResolverSandbox) -> None:
    marker = f"sockspec-test-{uuid.uuid4()}"
    code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {SLEEP!r}, {marker!r}]); {READY}"
    with _started(sandbox, code) as proc:
        assert _processes_with(marker)
        proc.kill()
        assert proc.wait(timeout=5) == -signal.SIGKILL
    assert _gone(marker)


@pytest.mark.parametrize(
    ("sig", "code", "status"),
    [
        (signal.SIGTERM, "import signal, sys; signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))", 3),
        (signal.SIGINT, "pass", 128 + signal.SIGINT),  # KeyboardInterrupt: CPython dies of SIGINT
    ],
    ids=["SIGTERM-handled", "SIGINT"],
)
def test_group_signal_reaches_the_command_once(sandbox: ResolverSandbox, sig: int, code: str, status: int) -> None:
    with _started(sandbox, f"{code}; {READY}", start_new_session=True) as proc:
        os.killpg(proc.pid, sig)
        assert proc.wait(timeout=5) == status


def test_nested_in_a_loopback_only_namespace(run_python: RunPython) -> None:
    outer = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--net"]
    proc = run_python("import socket; print(socket.gethostbyname('www.python.org'))", outer=outer)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "151.101.76.223\n", "")


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.skipif(os.geteuid() != 0, reason="already running unprivileged")
def test_works_for_an_unprivileged_user() -> None:
    if ResolverSandbox.unavailable_reason() is not None:
        pytest.skip("the resolver sandbox is unavailable here")
    python, env = _python_for_nobody()
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)  # the unprivileged launcher appends the query log here
        sandbox = ResolverSandbox(ZONE, Path(tmp))
        code = "import os, socket; print(os.getuid(), socket.gethostbyname('www.python.org'))"
        argv = [python if arg == sys.executable else arg for arg in sandbox.wrap([sys.executable, "-c", code])]
        proc = subprocess.run([*NOBODY, *argv], capture_output=True, text=True, timeout=10, env=env)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "0 151.101.76.223\n", "")
        assert [q["qname"] for q in sandbox.queries()] == ["www.python.org"]


def test_launcher_refuses_to_run_outside_a_sandbox(sandbox: ResolverSandbox) -> None:
    argv = sandbox.wrap(["true"])
    launcher = argv[argv.index(sys.executable) :]
    # No --pid: the launcher is not PID 1.  The private mount namespace keeps the host safe even if it did not refuse.
    proc = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "--net", *launcher],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert proc.returncode == 125
    assert "runs only inside the namespaces that ResolverSandbox.wrap() creates" in proc.stderr
    assert "not PID 1" in proc.stderr


SLEEP = "import time; time.sleep(30)"
READY = "print('ready', flush=True); import time; time.sleep(30)"


class _started:
    """Start ``code`` in a sandbox, wait for its 'ready' line; kill it on the way out."""

    def __init__(self, sandbox: ResolverSandbox, code: str, **kwargs: Any) -> None:
        self._proc = subprocess.Popen(
            sandbox.wrap([sys.executable, "-c", code]),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            **kwargs,
        )

    def __enter__(self) -> subprocess.Popen[str]:
        assert self._proc.stdout is not None
        assert self._proc.stdout.readline() == "ready\n"
        return self._proc

    def __exit__(self, *exc: object) -> None:
        self._proc.kill()
        self._proc.wait()
        assert self._proc.stdout is not None
        self._proc.stdout.close()


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # it ended while we looked
    return found


def _gone(marker: str, within_s: float = 3) -> bool:
    deadline = time.monotonic() + within_s
    while _processes_with(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _python_for_nobody() -> tuple[str, dict[str, str]]:
    """An interpreter that user 'nobody' may run, and the environment that lets it import dnslib.

    The kit's own interpreter may sit where nobody may read (a virtualenv
    under /root); the system's python3 then stands in, with dnslib's
    directory on PYTHONPATH.
    """
    import dnslib

    env = {**os.environ, "PYTHONPATH": str(Path(dnslib.__file__).parents[1])}
    for python in (sys.executable, "/usr/bin/python3"):
        probe = [python, "-c", "import dnslib, sys; assert sys.version_info >= (3, 11)"]
        check = [*NOBODY, "unshare", "--user", "--map-root-user", *probe]  # the way the sandbox runs it
        if subprocess.run(check, capture_output=True, env=env, timeout=10).returncode == 0:
            return python, env
    pytest.skip("user 'nobody' can run no Python >= 3.11 with dnslib here")


def _search_domains() -> Iterator[str]:
    """The search domain glibc derives from a dotted host name, if any (see sockspec.sandbox._etc)."""
    hostname = socket.gethostname()
    if "." in hostname:
        yield hostname.split(".", 1)[1]

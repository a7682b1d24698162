"""--target: the server specs judge a server the kit did not start, where it runs.

The main test puts a reference server in a network namespace of its own,
joined to a second namespace, the kit's, by a veth pair with addresses from
10.200.0.0/30, which exist only on that pair: the kit reaches the server as
another host, and no packet can leave the machine (both namespaces are the
test's own and have no other link).  Where namespaces cannot be made
(not root), that test is skipped with the reason.  The other tests need only
loopback: a target where nothing listens, a broken server as the target,
and the parsing of ``--target`` values.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sockspec.addresses import LOOPBACK
from sockspec.errors import KitUsageError
from sockspec.implementation import Implementation, transport_of
from sockspec.process import Spawned, run, spawn
from sockspec.targets import Target, parse, parse_all, scope
from specs.program._peers import unlistened_port
from tests.conftest import ROOT, run_specs, verdict_ids

KIT_ADDRESS, SERVER_ADDRESS = "10.200.0.1", "10.200.0.2"
PREFIX = "/30"

#: The requirements of a targeted server that need its process, with the N/A reason's end.
CONTROL = {
    "s11.echo_server.port-zero": "pass it options (--port 0) or read the line it prints",
    "s11.echo_server.binds-loopback": "start it with its defaults or read the line it prints",
    "s10.sntp_server.port-zero": "pass it options (--port 0) or read the line it prints",
    "s10.sntp_server.era-2036": "pass it options (--offset)",
    **{
        f"s11.echo_server.{name}": "start it with options of its own (echo-server --port 0)"
        for name in ("sigterm", "sigint", "restart")
    },
    **{
        f"s10.sntp_server.{name}": "start it with options of its own (sntp-server --port 0)"
        for name in ("sigterm", "sigint")
    },
}
#: Requirements with a case at offset 0 (judged) and one at another offset (N/A).
PER_OFFSET = {"s10.sntp_server.offset", "s10.sntp_server.timestamps"}
ONLY_TARGETED = "only the targeted server is under test"


def _ip_command() -> str | None:
    return shutil.which("ip", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))


@dataclass
class Pair:
    """Two namespaces joined by a veth pair: the kit's and the server's."""

    ip: str
    kit: str
    server: str

    def exec_in(self, namespace: str) -> list[str]:
        return [self.ip, "netns", "exec", namespace]

    def rx_bytes(self) -> int:
        """Bytes the server's end of the pair received so far."""
        done = run([*self.exec_in(self.server), "cat", "/sys/class/net/iut0/statistics/rx_bytes"], timeout=10)
        return int(done.stdout)


def _ip(ip: str, *args: str) -> None:
    done = run([ip, *args], timeout=10)
    if done.returncode:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")


@pytest.fixture(scope="module")
def veth_pair() -> Iterator[Pair]:
    """The two namespaces and the veth pair, removed at teardown whatever happened."""
    ip = _ip_command()
    if ip is None:
        pytest.skip("no 'ip' command (iproute2) to make network namespaces with")
    tag = f"{os.getpid()}-{secrets.token_hex(3)}"
    pair = Pair(ip, f"sockspec-kit-{tag}", f"sockspec-iut-{tag}")
    made: list[str] = []
    try:
        for namespace in (pair.kit, pair.server):
            done = run([ip, "netns", "add", namespace], timeout=10)
            if done.returncode:
                pytest.skip(
                    "network namespaces cannot be made here (root is needed for 'ip netns add'): "
                    + done.stderr.decode(errors="replace").strip()
                )
            made.append(namespace)
        _ip(ip, "link", "add", "kit0", "netns", pair.kit, "type", "veth", "peer", "name", "iut0", "netns", pair.server)
        for namespace, link, address in ((pair.kit, "kit0", KIT_ADDRESS), (pair.server, "iut0", SERVER_ADDRESS)):
            _ip(ip, "-n", namespace, "address", "add", address + PREFIX, "dev", link)
            _ip(ip, "-n", namespace, "link", "set", link, "up")
            _ip(ip, "-n", namespace, "link", "set", "lo", "up")
        yield pair
    finally:
        for namespace in made:  # deleting a namespace deletes the end of the pair inside it
            run([ip, "netns", "delete", namespace], timeout=10)


def _reference_server(pair: Pair, recipe: str) -> Spawned:
    argv = [sys.executable, "-m", "sockspec_reference", recipe, "--host", SERVER_ADDRESS, "--port", "0"]
    return spawn([*pair.exec_in(pair.server), *argv], ready_timeout=10, transport=transport_of(recipe))


def _verdicts(data: dict, prefix: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for case in data["cases"]:
        if case["requirement"].startswith(prefix):
            found.setdefault(case["requirement"], set()).add(case["verdict"])
    return found


def test_servers_in_another_namespace_are_judged_where_they_run(veth_pair: Pair, tmp_path: Path) -> None:
    with _reference_server(veth_pair, "echo-server") as echo, _reference_server(veth_pair, "sntp-server") as sntp:
        before = veth_pair.rx_bytes()
        code, data, output = run_specs(
            tmp_path,
            "specs/program",
            "--target",
            f"echo-server={SERVER_ADDRESS}:{echo.port}",
            "--target",
            f"sntp-server={SERVER_ADDRESS}:{sntp.port}",
            within=veth_pair.exec_in(veth_pair.kit),
        )
        received = veth_pair.rx_bytes() - before
    assert code == 0, output
    assert not verdict_ids(data, "FAIL"), output
    assert data["implementation"] == f"target-{SERVER_ADDRESS}-{echo.port}+target-{SERVER_ADDRESS}-{sntp.port}"
    judged = {**_verdicts(data, "s11.echo_server."), **_verdicts(data, "s10.sntp_server.")}
    assert set(judged) == {
        req for req in data["requirements"] if req.startswith(("s11.echo_server.", "s10.sntp_server."))
    }
    for req_id, verdicts in judged.items():
        if req_id in CONTROL:
            assert verdicts == {"N/A"}, req_id
        elif req_id in PER_OFFSET:
            assert verdicts == {"PASS", "N/A"}, req_id
        else:
            assert verdicts == {"PASS"}, req_id
    for case in data["cases"]:
        if case["requirement"] in CONTROL:
            reason = "the server runs elsewhere (--target): the kit cannot " + CONTROL[case["requirement"]]
            assert case["message"] == reason
        elif case["requirement"] not in judged:
            assert case["verdict"] == "UNSUPPORTED" and case["message"].startswith(ONLY_TARGETED), case
    # The echo cases send a payload of 1 MiB among others: the traffic crossed the pair, not loopback.
    assert received > 1 << 20


def test_a_broken_server_at_the_target_fails(tmp_path: Path) -> None:
    """The naive fake's echo-server (one read, then it hangs up) fails through --target as it does when started."""
    argv = [sys.executable, str(ROOT / "tests" / "impls" / "naive.py"), "echo-server", "--port", "0"]
    with spawn(argv, ready_timeout=10) as naive:
        code, data, output = run_specs(
            tmp_path, "specs/program/test_s11_echo_server.py", "--target", f"echo-server={LOOPBACK}:{naive.port}"
        )
    assert code == 1, output
    assert verdict_ids(data, "FAIL") == {
        "s11.echo_server.payload-sizes",
        "s11.echo_server.until-close",
        "s11.echo_server.concurrent-clients",
        "s11.echo_server.half-close",
    }


@pytest.mark.parametrize(
    ("recipe", "transport"), [("echo-server", "cannot connect over TCP to"), ("sntp-server", "no reply from")]
)
def test_nothing_at_the_target_is_one_line_and_exit_4(tmp_path: Path, recipe: str, transport: str) -> None:
    with unlistened_port() as port:
        code, data, output = run_specs(tmp_path, "specs/program", "--target", f"{recipe}={LOOPBACK}:{port}")
    lines = output.strip().splitlines()
    assert code == 4, output
    assert lines == [
        f"ERROR: --target {recipe}={LOOPBACK}:{port}: {transport} {LOOPBACK}:{port}"
        + (" to an SNTP request over UDP" if recipe == "sntp-server" else "")
        + ": connection refused (nothing listens on that port)"
    ]
    assert data == {}  # no report claims anything


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("echo-server", "expected RECIPE=HOST:PORT"),
        ("ntp-time=127.0.0.1:123", "'ntp-time' is not a server recipe"),
        ("echo-server=localhost:7000", "'localhost' is not an IP address (the kit looks no name up"),
        ("echo-server=::1:7000", "write an IPv6 address in brackets"),
        ("echo-server=127.0.0.1:0", "the port must be a number from 1 to 65535, got '0'"),
        ("echo-server=127.0.0.1:http", "the port must be a number from 1 to 65535"),
    ],
)
def test_bad_target_values_are_usage_errors(value: str, complaint: str) -> None:
    with pytest.raises(KitUsageError, match="--target") as caught:
        parse(value)
    assert complaint in str(caught.value)


def test_target_values() -> None:
    assert parse("sntp-server=[::1]:123") == Target("sntp-server", "::1", 123)
    assert str(parse("echo-server=[0:0::1]:7")) == "echo-server=[::1]:7"
    assert parse("echo-server=192.0.2.7:7000").run_name == "target-192.0.2.7-7000"
    with pytest.raises(KitUsageError, match="echo-server is given 2 times"):
        parse_all(["echo-server=127.0.0.1:1", "echo-server=127.0.0.1:2"])


def test_scope_of_a_run_with_targets() -> None:
    impl = Implementation(name="reference", lacks=frozenset({"program:echo-server"}))
    target = Target("echo-server", "192.0.2.7", 7000)
    alone = scope(impl, [target], profile=False, module=False, command=False)
    assert alone.name == "target-192.0.2.7-7000"
    assert alone.target("echo-server") == target and alone.target("sntp-server") is None
    assert "program:echo-server" not in alone.lacks
    assert {"api", "program:sntp-server", "program:echo-client"} <= alone.lacks
    assert alone.program_prefix == ()
    with_command = scope(impl, [target], profile=False, module=False, command=True)
    assert with_command.lacks == {"api"}
    assert with_command.name == "reference+target-192.0.2.7-7000"
    with_profile = scope(impl, [target], profile=True, module=False, command=False)
    assert with_profile.lacks == frozenset() and with_profile.name == "reference"
    assert scope(impl, [], profile=False, module=False, command=False) is impl

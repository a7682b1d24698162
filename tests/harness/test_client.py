"""HarnessClient against the reference harness: the same answers as ``socket`` itself.

Every message in this module is checked against schema.json (``validate=True``).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sockspec.errors import IUTCrashed, IUTError, KitError, KitUsageError
from sockspec.harness import HarnessAPI, HarnessClient, SocketProxy
from sockspec.outcomes import Unsupported

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = [sys.executable, "-m", "sockspec_reference.harness"]


@pytest.fixture(scope="module")
def client() -> Iterator[HarnessClient]:
    with HarnessClient(REFERENCE, cwd=ROOT, validate=True, call_timeout=5.0) as client:
        yield client


@pytest.fixture
def api(client: HarnessClient) -> HarnessAPI:
    return client.api


def typed(value: Any) -> Any:
    """``value`` with the type of every part spelled out (an IntEnum counts as int)."""
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(item) for item in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return ("int", int(value))
    return (type(value).__name__, value)


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("returns", typed(call()))
    except Exception as exc:
        return ("raises", type(exc), str(exc), getattr(exc, "errno", None))


CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("htonl", (1234,)),
    ("ntohl", (3523477504,)),
    ("htons", (1234,)),
    ("ntohs", (53764,)),
    ("htonl", (2**32,)),
    ("htonl", (-1,)),
    ("htonl", (2**70,)),
    ("htons", (2**16,)),
    ("htonl", (1.5,)),
    ("htonl", ("1",)),
    ("inet_aton", ("127.1",)),
    ("inet_aton", ("192.168.1.254",)),
    ("inet_aton", ("x",)),
    ("inet_aton", ("256.1.1.1",)),
    ("inet_aton", ("1.2.3.4\0",)),
    ("inet_aton", (b"1.2.3.4",)),
    ("inet_ntoa", (b"\x7f\x00\x00\x01",)),
    ("inet_ntoa", (b"abc",)),
    ("inet_pton", (socket.AF_INET6, "::1")),
    ("inet_ntop", (socket.AF_INET, b"\x0a\x00\x00\x01")),
    ("getservbyport", (80, "tcp")),
    ("getservbyport", (99999,)),
    ("getservbyname", ("http", "tcp")),
    ("getservbyname", ("no-such-service", "tcp")),
    ("gethostbyname", ("localhost",)),
    ("gethostbyname_ex", ("localhost",)),
    ("getaddrinfo", (None, None)),
    ("getaddrinfo", ("127.0.0.1", "no-such-service")),
    ("getaddrinfo", ("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)),
    ("getdefaulttimeout", ()),
    ("gethostname", ()),
]


@pytest.mark.parametrize(("fn", "args"), CALLS, ids=[f"{fn}{args!r}"[:60] for fn, args in CALLS])
def test_module_calls_answer_as_socket_does(api: HarnessAPI, fn: str, args: tuple[Any, ...]) -> None:
    assert outcome(lambda: getattr(api, fn)(*args)) == outcome(lambda: getattr(socket, fn)(*args))


def test_constants_are_the_modules(api: HarnessAPI) -> None:
    for name in (
        "AF_INET",
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOL_SOCKET",
        "SO_REUSEADDR",
        "SO_SNDBUF",
        "SO_RCVBUF",
        "IPPROTO_TCP",
        "SOL_TCP",
        "TCP_NODELAY",
        "has_ipv6",
    ):
        assert getattr(api, name) == getattr(socket, name), name
    assert (api.error, api.gaierror, api.herror, api.timeout) == (OSError, socket.gaierror, socket.herror, TimeoutError)


def timeout_scenario(module: Any) -> list[Any]:
    """Section 6's round trip through the timeout and blocking settings."""
    with module.socket(module.AF_INET, module.SOCK_STREAM) as s:
        seen = [s.gettimeout(), s.getblocking()]
        for step in (
            lambda: s.settimeout(2.5),
            lambda: s.settimeout(100),
            lambda: s.setblocking(False),
            lambda: s.settimeout(None),
            lambda: s.settimeout(-1),
            lambda: s.settimeout("x"),
        ):
            seen += [outcome(step), typed(s.gettimeout()), s.getblocking()]
        seen.append(outcome(lambda: s.bind(("127.0.0.1", 0))))
        seen.append(typed(s.getsockopt(module.SOL_SOCKET, module.SO_REUSEADDR)))
        s.setsockopt(module.SOL_SOCKET, module.SO_REUSEADDR, 1)
        seen.append(s.getsockopt(module.SOL_SOCKET, module.SO_REUSEADDR) != 0)
    seen.append(outcome(lambda: s.getsockname()))  # closed by the with block
    return seen


def test_socket_settings_answer_as_socket_does(api: HarnessAPI) -> None:
    assert timeout_scenario(api) == timeout_scenario(socket)


def test_tcp_accept_connect_send_recv_over_loopback(api: HarnessAPI) -> None:
    with api.socket(api.AF_INET, api.SOCK_STREAM) as server, api.socket(api.AF_INET, api.SOCK_STREAM) as peer:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        address = server.getsockname()
        assert type(address) is tuple and address[0] == "127.0.0.1" and address[1] > 0
        peer.settimeout(2.0)
        assert peer.connect(address) is None
        conn, remote = server.accept()
        with conn:
            assert isinstance(conn, SocketProxy) and type(remote) is tuple and remote == peer.getsockname()
            assert conn.getpeername() == peer.getsockname()
            conn.sendall(b"\x00\xffhello\r\n")
            assert peer.recv(64) == b"\x00\xffhello\r\n"
            assert peer.send(b"back") == 4
            assert conn.recv(4) == b"back"
            peer.settimeout(0.2)
            with pytest.raises(TimeoutError, match="timed out"):
                peer.recv(1)
            peer.setblocking(False)
            with pytest.raises(BlockingIOError) as caught:
                peer.recv(1)
            assert caught.value.errno == errno.EAGAIN
            conn.shutdown(api.SHUT_WR)
            peer.setblocking(True)
            assert peer.recv(1) == b""


def test_a_refused_connection_is_connection_refused_error(api: HarnessAPI) -> None:
    with api.socket(api.AF_INET, api.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))
        address = closed.getsockname()
    with api.socket(api.AF_INET, api.SOCK_STREAM) as s:
        with pytest.raises(ConnectionRefusedError) as caught:
            s.connect(address)
        assert caught.value.errno == errno.ECONNREFUSED
        assert "raised by harness 'reference'" in caught.value.__notes__[0]
    with api.socket(api.AF_INET, api.SOCK_STREAM) as s:
        assert s.connect_ex(address) == errno.ECONNREFUSED


def test_a_socket_with_a_timeout_may_block_longer_than_call_timeout() -> None:
    with HarnessClient(REFERENCE, cwd=ROOT, call_timeout=0.3) as client:
        api = client.api
        with api.socket(api.AF_INET, api.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            s.settimeout(0.6)
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                s.recvfrom(16)
            assert time.monotonic() - started >= 0.6


def test_a_harness_may_take_longer_than_call_timeout_to_start() -> None:
    # A JVM's start alone takes seconds on a busy machine (sockspec/harness/_deadlines.py).
    slow = [
        sys.executable,
        "-c",
        "import runpy, time; time.sleep(1.0); runpy.run_module('sockspec_reference.harness', run_name='__main__')",
    ]
    with HarnessClient(slow, cwd=ROOT, call_timeout=0.3) as client:
        assert client.api.htonl(1) == 16777216


def test_default_timeout_applies_to_sockets_made_later() -> None:
    with HarnessClient(REFERENCE, cwd=ROOT, call_timeout=0.3) as client:
        api = client.api
        assert api.setdefaulttimeout(0.6) is None
        assert api.getdefaulttimeout() == 0.6
        with api.socket(api.AF_INET, api.SOCK_DGRAM) as s:
            assert s.gettimeout() == 0.6
            s.bind(("127.0.0.1", 0))
            with pytest.raises(TimeoutError):
                s.recv(16)


def test_what_the_harness_lacks_is_unsupported(api: HarnessAPI) -> None:
    with pytest.raises(Unsupported, match="'frobnicate'"):
        api.frobnicate(1)
    with pytest.raises(Unsupported, match="'SO_NO_SUCH_OPTION'"):
        _ = api.SO_NO_SUCH_OPTION
    with api.socket() as s, pytest.raises(Unsupported, match=r"'socket\.makefile'"):
        s.makefile("rb")
    with pytest.raises(AttributeError):
        _ = api._private


def test_a_value_the_kit_cannot_send_is_a_kit_error(api: HarnessAPI) -> None:
    with pytest.raises(KitError, match=r"cannot send htonl's arguments .* a value of type object cannot travel"):
        api.htonl(object())
    assert api.htonl(1) == 16777216  # the session goes on


def test_start_reports_the_metadata(client: HarnessClient) -> None:
    metadata = client.start()
    assert metadata["name"] == "reference" and metadata["language"] == "python" and metadata["protocol"] == 1
    assert metadata["runtime"].startswith(("CPython", "PyPy"))
    assert metadata["constants"]["AF_INET"] == socket.AF_INET
    assert "AF_INET" in dir(client.api) and "htonl" in dir(client.api)


def test_after_a_crash_the_next_call_restarts_and_old_sockets_are_gone() -> None:
    with HarnessClient(REFERENCE, cwd=ROOT) as client:
        api = client.api
        s = api.socket(api.AF_INET, api.SOCK_STREAM)
        first = client.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        with pytest.raises(IUTCrashed, match=r"harness was killed by SIGKILL during call socket#1\.getsockname\(\)"):
            s.getsockname()
        assert client.pid is None
        assert_reaped(first)
        assert api.htonl(1) == socket.htonl(1)
        assert client.pid not in (None, first)
        with pytest.raises(IUTError, match="belonged to a harness process that has since ended"):
            s.getsockname()
        assert s.close() is None  # nothing is left to close
        assert "gone" in repr(s)


def test_close_stops_the_harness_and_reaps_it() -> None:
    client = HarnessClient(REFERENCE, cwd=ROOT)
    client.start()
    pid = client.pid
    assert pid is not None
    client.close()
    assert_reaped(pid)
    with pytest.raises(KitUsageError, match="is closed"):
        client.api.htonl(1)


@pytest.mark.parametrize(
    ("argv", "options", "says"),
    [
        ([], {}, "command is empty"),
        (REFERENCE, {"call_timeout": 0}, "call_timeout must be a positive number"),
        (["/no/such/harness"], {}, "the harness command: cannot start '/no/such/harness'"),
    ],
)
def test_kit_misuse_is_a_usage_error(argv: list[str], options: dict[str, Any], says: str) -> None:
    with pytest.raises(KitUsageError, match=says):
        HarnessClient(argv, **options).start()


def assert_reaped(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_kits_own_harness_failing_to_start_is_a_kit_error() -> None:
    argv = [sys.executable, "-m", "sockspec_reference.harness", "--module", "no_such_socket_module"]
    with HarnessClient(argv, kit_adapter=True) as client, pytest.raises(KitError, match="could not start serving"):
        client.start()
    with HarnessClient(argv) as client, pytest.raises(IUTCrashed):  # someone else's harness: its own fault
        client.start()

"""§8 buffer sizes (SO_SNDBUF / SO_RCVBUF) and TCP_NODELAY.

Strategy: Linux stores twice what is set, after capping the value at
net.core.wmem_max / rmem_max and before raising it to a floor (socket(7)).
The caps are read from /proc; the floor is measured through the standard
library on the same kernel (set 1, read back).  Expected values are derived
from those, never written down from one machine.  Default sizes are only
recorded.  TCP options use the portable level IPPROTO_TCP (SOL_TCP on Linux).
"""

from __future__ import annotations

import socket as oracle  # measures the kernel's floor; never the thing under test
import sys
from pathlib import Path

import pytest

from sockspec import expect_equal, expect_that, not_applicable, params

IS_LINUX = sys.platform.startswith("linux")
CAP_FILES = {"SO_SNDBUF": Path("/proc/sys/net/core/wmem_max"), "SO_RCVBUF": Path("/proc/sys/net/core/rmem_max")}
TCP_DEFAULT_FILES = {"SO_SNDBUF": Path("/proc/sys/net/ipv4/tcp_wmem"), "SO_RCVBUF": Path("/proc/sys/net/ipv4/tcp_rmem")}
INT_MAX = 2**31 - 1


def _require_linux() -> None:
    if not IS_LINUX:
        not_applicable(f"Linux doubles SO_SNDBUF/SO_RCVBUF; this platform is {sys.platform}")


def _kernel_cap(option: str) -> int:
    """net.core.wmem_max or rmem_max; N/A where it cannot be read."""
    path = CAP_FILES[option]
    try:
        fields = path.read_text().split()
    except OSError:
        fields = []
    if not fields or not fields[0].isdigit():
        not_applicable(f"cannot read the kernel's cap for {option} from {path}")
    return int(fields[0])


def _kernel_floor(option: str) -> int:
    """The smallest size this kernel stores for ``option``, measured with the standard library."""
    with oracle.socket(oracle.AF_INET, oracle.SOCK_STREAM) as sock:
        level, name = oracle.SOL_SOCKET, getattr(oracle, option)
        sock.setsockopt(level, name, 1)
        return sock.getsockopt(level, name)


def _set_and_read(api, sockets, option: str, value: int) -> int:
    sock = sockets.tcp()
    name = getattr(api, option)
    sock.setsockopt(api.SOL_SOCKET, name, value)
    return sock.getsockopt(api.SOL_SOCKET, name)


@pytest.mark.req("s08.buffers.default")
def test_default_buffer_sizes(api, sockets, fact):
    sock = sockets.tcp()
    for option in ("SO_SNDBUF", "SO_RCVBUF"):
        size = sock.getsockopt(api.SOL_SOCKET, getattr(api, option))
        fact(f"default {option} of a new TCP socket", size)
        expect_that(
            f"getsockopt(SOL_SOCKET, {option})", type(size) is int and size > 0, expected="a positive int", actual=size
        )
        try:
            kernel_default = int(TCP_DEFAULT_FILES[option].read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        fact(f"kernel default for {option} ({TCP_DEFAULT_FILES[option]}, middle value)", kernel_default)


@pytest.mark.parametrize("case", params("s08.buffers.readback"))
def test_buffer_reads_back_at_least(api, sockets, case):
    option, value = case["input"]
    if IS_LINUX and value > _kernel_cap(option):
        not_applicable(f"{value} is above this kernel's cap for {option}")
    size = _set_and_read(api, sockets, option, value)
    ok = type(size) is int and size >= value
    expect_that(f"getsockopt({option}) after setting {value}", ok, expected=f"an int >= {value}", actual=size)


@pytest.mark.parametrize("case", params("s08.buffers.doubling"))
def test_buffer_doubling(api, sockets, case):
    _require_linux()
    option, value = case["input"]
    cap, floor = _kernel_cap(option), _kernel_floor(option)
    if not (value <= cap and 2 * value >= floor):
        not_applicable(f"{value} is outside this kernel's bounds for {option} (floor {floor}, cap {cap})")
    expect_equal(
        f"getsockopt({option}) after setting {value}", _set_and_read(api, sockets, option, value), case["expect"]
    )


@pytest.mark.parametrize("case", params("s08.buffers.maximum"))
def test_buffer_capped_at_maximum(api, sockets, case):
    _require_linux()
    option, value = case["input"]
    cap = _kernel_cap(option)
    if value == "max+1":
        value = cap + 1
    if not (cap < value <= INT_MAX and 2 * cap <= INT_MAX):
        not_applicable(f"{value} cannot exceed this kernel's cap for {option} ({cap}) within a C int")
    read = _set_and_read(api, sockets, option, value)
    expect_equal(f"getsockopt({option}) after setting {value} (cap {cap})", read, 2 * cap)


@pytest.mark.parametrize("case", params("s08.buffers.minimum"))
def test_buffer_raised_to_floor(api, sockets, case):
    _require_linux()
    option, value = case["input"]
    floor = _kernel_floor(option)
    if 2 * value >= floor:
        not_applicable(f"twice {value} is not below this kernel's floor for {option} ({floor})")
    expect_equal(
        f"getsockopt({option}) after setting {value} (floor {floor})", _set_and_read(api, sockets, option, value), floor
    )


@pytest.mark.req("s08.tcp_nodelay.default")
def test_tcp_nodelay_default(api, sockets):
    sock = sockets.tcp()
    expect_equal(
        "getsockopt(IPPROTO_TCP, TCP_NODELAY) of a new socket", sock.getsockopt(api.IPPROTO_TCP, api.TCP_NODELAY), 0
    )


@pytest.mark.req("s08.tcp_nodelay.toggle")
def test_tcp_nodelay_toggle(api, sockets):
    sock = sockets.tcp()
    sock.setsockopt(api.IPPROTO_TCP, api.TCP_NODELAY, 1)
    on = sock.getsockopt(api.IPPROTO_TCP, api.TCP_NODELAY)
    expect_that("TCP_NODELAY after setting 1", type(on) is int and on != 0, expected="a non-zero int", actual=on)
    sock.setsockopt(api.IPPROTO_TCP, api.TCP_NODELAY, 0)
    expect_equal("TCP_NODELAY after setting 0", sock.getsockopt(api.IPPROTO_TCP, api.TCP_NODELAY), 0)

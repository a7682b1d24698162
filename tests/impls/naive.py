"""The tutorial's own bugs, one per recipe, as a program implementation under test.

    pytest specs --impl-cmd "{python} tests/impls/naive.py"

Each recipe here carries exactly one bug of the tutorial's code and does the
rest right (same options, messages and exit codes as the reference), so a
spec run fails exactly the requirements that catch that bug:

- echo-server reads once (``recv(2048)``), echoes that, hangs up, one client at a time;
- echo-client waits for as many bytes as the message has characters;
- sntp-time has no socket timeout and keeps whole seconds only;
- http-get decodes each chunk as UTF-8 before writing it out;
- socket-modes spins on ``listen()`` instead of waiting;
- reuse-server binds without SO_REUSEADDR (it shows the option on another socket);
- ip4-convert --base 2 names an undefined variable and crashes with a traceback.

Every other recipe, and ip4-convert in base 16, is the reference's.
"""

from __future__ import annotations

import socket
import struct
import sys
import time

from _fake import (
    ADDRESS_ERROR,
    delegate,
    dispatch,
    echo_listener,
    exit_on_stop_signals,
    fail,
    parser,
    port,
    positive,
    say,
)

NTP_TO_UNIX = 2_208_988_800


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection, or the reference's one-line error and exit code for why there is none."""
    peer = f"{host}:{port}"
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror as exc:
        fail(f"{ADDRESS_ERROR}: {peer}: {exc}", 3)
    except TimeoutError:
        fail(f"Timed out after {timeout:g} s talking to {peer}", 7)
    except OSError as exc:
        fail(f"Connection error: {peer}: {exc}", 4)


def echo_server(argv: list[str]) -> int:
    p = parser("echo-server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=0)
    p.add_argument("--idle-timeout", type=float, default=0)
    args = p.parse_args(argv)
    with echo_listener(args.host, args.port, 5) as server:
        while True:
            client, _ = server.accept()
            with client:
                try:
                    data = client.recv(2048)  # the bug: one read, then hang up
                    if data:
                        client.send(data)
                except OSError:
                    pass


def echo_client(argv: list[str]) -> int:
    p = parser("echo-client")
    p.add_argument("--port", type=port, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--message", required=True)
    p.add_argument("--encoding", choices=("utf-8", "gbk"), default="utf-8")
    p.add_argument("--timeout", type=positive, default=2.0)
    args = p.parse_args(argv)
    try:
        payload = args.message.encode(args.encoding)
    except UnicodeEncodeError as exc:
        p.error(f"--message cannot be encoded as {args.encoding}: {exc.reason}")
    peer = f"{args.host}:{args.port}"
    say(f"Connecting to {args.host} port {args.port}")
    sock = connect(args.host, args.port, args.timeout)
    with sock:
        say(f"Sending: {args.message}")
        try:
            sock.sendall(payload)
        except OSError as exc:
            fail(f"Error sending data: {peer}: {exc}", 5)
        reply = b""
        while len(reply) < len(args.message):  # the bug: characters, not bytes
            try:
                chunk = sock.recv(2048)
            except TimeoutError:
                fail(f"Timed out after {args.timeout:g} s talking to {peer}", 7)
            except OSError as exc:
                fail(f"Error receiving data: {peer}: {exc}", 6)
            if not chunk:
                fail(f"Connection closed by server after {len(reply)} bytes from {peer}", 6)
            reply += chunk
    say(f"Received: {reply.decode(args.encoding, 'replace')}")
    return 0


def _sntp_invalid(peer: str, why: str, code: int) -> None:
    fail(f"Invalid reply from {peer}: {why}", code)


def sntp_time(argv: list[str]) -> int:
    p = parser("sntp-time")
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=port, default=123)
    p.add_argument("--timeout", type=positive, default=2.0)  # accepted, and ignored: the bug
    args = p.parse_args(argv)
    peer = f"{args.server}:{args.port}"
    try:
        family, kind, _, _, address = socket.getaddrinfo(args.server, args.port, type=socket.SOCK_DGRAM)[0]
    except socket.gaierror as exc:
        fail(f"{ADDRESS_ERROR}: {peer}: {exc}", 3)
    with socket.socket(family, kind) as sock:  # no settimeout: a silent server blocks it forever
        sock.connect(address)
        transmit = int((time.time() + NTP_TO_UNIX) * 2**32)
        sock.send(struct.pack("!B47x", 0x1B)[:40] + transmit.to_bytes(8, "big"))
        try:
            data, source = sock.recvfrom(1024)
        except ConnectionRefusedError as exc:
            fail(f"Connection error: {peer}: {exc}", 4)
    say(f"Response received from: {source}")
    if len(data) < 48:
        _sntp_invalid(peer, f"invalid reply: {len(data)} bytes, shorter than 48", 8)
    first, stratum = data[0], data[1]
    leap, mode = first >> 6, first & 7
    originate, seconds = int.from_bytes(data[24:32], "big"), int.from_bytes(data[40:44], "big")
    if mode != 4:
        _sntp_invalid(peer, f"mode {mode}, not 4", 9)
    if originate != transmit:
        _sntp_invalid(peer, "originate is not our transmit timestamp", 10)
    if stratum == 0:
        _sntp_invalid(peer, f"Kiss-o'-Death {data[12:16].decode('ascii', 'replace')}", 13)
    if leap == 3:
        _sntp_invalid(peer, "server unsynchronised (leap indicator 3)", 12)
    if int.from_bytes(data[40:48], "big") == 0:
        _sntp_invalid(peer, "transmit timestamp is zero", 11)
    era = 2**32 if seconds < 2**31 else 0  # RFC 4330 §3: era 1 from 2036
    say(f"\tTime={time.ctime(seconds + era - NTP_TO_UNIX)}")  # the bug: whole seconds, the fraction dropped
    return 0


def http_get(argv: list[str]) -> int:
    p = parser("http-get")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=port, required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--timeout", type=positive, default=5.0)
    args = p.parse_args(argv)
    peer = f"{args.host}:{args.port}"
    sock = connect(args.host, args.port, args.timeout)
    with sock:
        try:
            sock.sendall(f"GET {args.file} HTTP/1.0\r\n\r\n".encode())
        except OSError as exc:
            fail(f"Error sending data: {peer}: {exc}", 5)
        while True:
            try:
                chunk = sock.recv(2048)
            except TimeoutError:
                fail(f"Timed out after {args.timeout:g} s talking to {peer}", 7)
            except OSError as exc:
                fail(f"Error receiving data: {peer}: {exc}", 6)
            if not chunk:
                return 0
            sys.stdout.write(chunk.decode("utf-8"))  # the bug: each chunk decoded on its own
            sys.stdout.flush()


def socket_modes(argv: list[str]) -> int:
    p = parser("socket-modes")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=0)
    args = p.parse_args(argv)
    exit_on_stop_signals()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((args.host, args.port))
        sock.listen(1)
        say(f"Trivial Server launched on socket: {sock.getsockname()}")
        while True:
            sock.listen(1)  # the bug: one CPU spinning


def reuse_server(argv: list[str]) -> int:
    p = parser("reuse-server")
    p.add_argument("--port", type=port, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--encoding", default="utf-8")
    p.add_argument("--idle-timeout", type=positive, default=2.0)
    args = p.parse_args(argv)
    exit_on_stop_signals()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as shown:
        say(f"Old sock state: {shown.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)}")
        shown.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        say(f"New sock state: {shown.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)}")
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # the bug: not the socket it set the option on
    try:
        server.bind((args.host, args.port))
        server.listen(5)
    except OSError as exc:
        fail(f"Cannot listen on {args.host}:{args.port}: {exc}", 1)
    say(f"Listening on port: {server.getsockname()[1]}")
    while True:
        conn, (host, client_port) = server.accept()
        with conn:
            say(f"Connected by {host}:{client_port}")
            conn.settimeout(args.idle_timeout)
            data = b""
            try:
                while chunk := conn.recv(65536):
                    data += chunk
            except OSError:
                pass
            say(f"Received from client: {data.decode(args.encoding, 'replace')}")


def ip4_convert(argv: list[str]) -> int:
    p = parser("ip4-convert")
    p.add_argument("host", nargs="?")
    p.add_argument("--base")
    p.add_argument("--plain", action="store_true")
    args, _ = p.parse_known_args(argv)
    if args.host is None or (args.base or "").strip() != "2":
        delegate(["ip4-convert", *argv])
    try:
        address = socket.gethostbyname(args.host)
    except OSError as exc:
        say(f"{args.host}: {exc}")
        return 1
    say(f"IPv4 address of {args.host}: {address}")
    binary_ipd_addr = socket.inet_aton(address)  # noqa: F841 -- the tutorial's typo: ipd, then ip4 below
    say(f"Binary IPv4 address: {binary_ip4_addr}")  # noqa: F821 -- NameError, a traceback and exit 1
    return 0


if __name__ == "__main__":
    dispatch(
        {
            "echo-server": echo_server,
            "echo-client": echo_client,
            "sntp-time": sntp_time,
            "http-get": http_get,
            "socket-modes": socket_modes,
            "reuse-server": reuse_server,
            "ip4-convert": ip4_convert,
        }
    )

"""Each program once over loopback, as a process: what it prints, its exit code, its wire behaviour."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from tests.reference.helpers import Server, cpu_seconds, rss_bytes, run, server

#: A name the IDNA codec rejects before any lookup: an address error that sends no DNS query.
BAD_NAME = "x" * 64


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(5)
    return sock


def receive_all(sock: socket.socket) -> bytes:
    data = bytearray()
    while chunk := sock.recv(1 << 20):
        data += chunk
    return bytes(data)


@contextmanager
def tcp_server(handle: Callable[[socket.socket], object], *, http: bool = True) -> Iterator[tuple[int, list[bytes]]]:
    """A one-connection TCP server in a thread; yields its port and the HTTP request it read."""
    requests: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            data = b""
            while http and b"\r\n\r\n" not in data and (chunk := conn.recv(4096)):
                data += chunk
            requests.append(data)
            handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], requests
    finally:
        listener.close()
        thread.join(5)


class TestServersStop:
    @pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
    def test_socket_modes_waits_idle_and_stops_cleanly(self, signum: int) -> None:
        with server("socket-modes") as trivial:
            assert trivial.first_line == f"Trivial Server launched on socket: ('127.0.0.1', {trivial.port})"
            before = cpu_seconds(trivial.proc.pid)
            time.sleep(0.3)
            assert cpu_seconds(trivial.proc.pid) - before < 0.05
            assert trivial.stop(signum) == 0
            assert trivial.proc.stderr is not None
            assert trivial.proc.stderr.read() == b""


class TestHttpGet:
    BODY = b"HTTP/1.0 200 OK\r\n\r\n" + bytes(range(256)) * 64 + "中文".encode("gbk")

    def test_exact_request_and_binary_response(self) -> None:
        with tcp_server(lambda conn: conn.sendall(self.BODY)) as (port, requests):
            result = run("http-get", "--host", "127.0.0.1", "--port", str(port), "--file", "/a b.txt")
        assert result.returncode == 0, result.stderr
        assert requests == [b"GET /a b.txt HTTP/1.0\r\n\r\n"]
        assert result.stdout == self.BODY

    def test_silent_server_times_out(self) -> None:
        with tcp_server(lambda conn: conn.recv(1)) as (port, _):  # silent until the client gives up
            result = run("http-get", "--host", "127.0.0.1", "--port", str(port), "--file", "/", "--timeout", "0.3")
        assert result.returncode == 7
        assert result.stderr.decode() == f"Timed out after 0.3 s talking to 127.0.0.1:{port}\n"

    def test_reset_mid_response(self) -> None:
        def reset(conn: socket.socket) -> None:
            conn.sendall(b"HTTP/1.0 200 OK\r\n\r\npartial")
            time.sleep(0.1)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")

        with tcp_server(reset) as (port, _):
            result = run("http-get", "--host", "127.0.0.1", "--port", str(port), "--file", "/")
        assert result.returncode == 6
        assert result.stdout == b"HTTP/1.0 200 OK\r\n\r\npartial"
        assert result.stderr.decode().startswith(f"Error receiving data: 127.0.0.1:{port}: ")

    def test_refused(self) -> None:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
            result = run("http-get", "--host", "127.0.0.1", "--port", str(port), "--file", "/")
        assert result.returncode == 4
        assert result.stderr.decode() == f"Connection error: 127.0.0.1:{port}: [Errno 111] Connection refused\n"

    def test_address_error(self) -> None:
        result = run("http-get", "--host", BAD_NAME, "--port", "80", "--file", "/")
        assert result.returncode == 3
        assert result.stderr.decode().startswith(f"Address-related error connecting to server: {BAD_NAME}:80: ")


class TestReuseServer:
    def test_clients_in_sequence_and_restart_over_time_wait(self) -> None:
        with server("reuse-server", "--port", "0", "--idle-timeout", "0.3", lines=3) as first:
            port = first.port
            for text in ("你好服务端,我是客户端小黑!", "second"):
                with connect(port) as client:
                    client.sendall(text.encode())
                    client.shutdown(socket.SHUT_WR)
                    assert client.recv(1) == b""
                assert first.readline().startswith("Connected by 127.0.0.1:")
                assert first.readline() == f"Received from client: {text}\n"
            # A client that stays open: the server times out and closes first,
            # leaving its side of the connection in TIME_WAIT.
            with connect(port) as client:
                client.sendall(b"\xff idle")
                assert client.recv(1) == b""
            assert first.readline().startswith("Connected by")
            assert first.readline() == "Received from client: \ufffd idle\n"
            assert first.stop(signal.SIGINT) == 0
        with server("reuse-server", "--port", str(port), lines=3) as again:
            assert again.first_line == f"Listening on port: {port}"
            assert again.stop(signal.SIGTERM) == 0

    def test_banner(self) -> None:
        with server("reuse-server", "--port", "0", lines=3) as started:
            assert started.proc.stdout is not None
            assert started.first_line.startswith("Listening on port: ")

    def test_reset_client_does_not_kill_the_server(self) -> None:
        with server("reuse-server", "--port", "0", lines=3) as started:
            client = connect(started.port)
            client.sendall(b"abc")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
            client.close()
            assert started.readline().startswith("Connected by")
            assert started.readline().startswith("Received from client: ")
            with connect(started.port) as client:
                client.sendall(b"still here")
            assert started.readline().startswith("Connected by")
            assert started.readline() == "Received from client: still here\n"


class TestEcho:
    @pytest.fixture
    def echo(self) -> Iterator[Server]:
        with server("echo-server", "--idle-timeout", "0.5") as started:
            yield started
            assert started.stop(signal.SIGINT) == 0

    def test_banner(self, echo: Server) -> None:
        assert echo.first_line == f"Echo server listening on 127.0.0.1:{echo.port}"

    @pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
    def test_client_round_trip(self, echo: Server, encoding: str) -> None:
        message = "测试数据,该信息会被回显!"
        result = run("echo-client", "--port", str(echo.port), "--message", message, "--encoding", encoding)
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().splitlines() == [
            f"Connecting to 127.0.0.1 port {echo.port}",
            f"Sending: {message}",
            f"Received: {message}",
        ]

    def test_half_close_gets_everything_back(self, echo: Server) -> None:
        payload = bytes(range(256)) * 4096 + b"tail"
        with connect(echo.port) as client:
            reader = threading.Thread(target=lambda: replies.append(receive_all(client)))
            replies: list[bytes] = []
            reader.start()
            client.sendall(payload)
            client.shutdown(socket.SHUT_WR)
            reader.join(5)
        assert replies == [payload]

    def test_many_clients_at_once(self, echo: Server) -> None:
        clients = [connect(echo.port) for _ in range(20)]
        try:
            for number, client in enumerate(clients):
                client.sendall(f"client {number}".encode())
            for number, client in enumerate(clients):
                assert client.recv(100) == f"client {number}".encode()
        finally:
            for client in clients:
                client.close()

    def test_backpressure_bounds_memory(self, echo: Server) -> None:
        chunk = bytes(1 << 20)
        sent = 0
        with connect(echo.port) as client:
            client.settimeout(0.2)  # well inside the server's idle timeout
            with pytest.raises(TimeoutError):  # the server stopped reading: we never read its echo
                while sent < 256 << 20:
                    sent += client.send(chunk)
            assert sent < 256 << 20
            assert rss_bytes(echo.proc.pid) < 80 << 20

    def test_idle_connection_is_closed(self, echo: Server) -> None:
        with connect(echo.port) as client:
            start = time.monotonic()
            assert client.recv(1) == b""
            assert 0.4 < time.monotonic() - start < 3

    def test_reset_does_not_kill_the_server(self, echo: Server) -> None:
        client = connect(echo.port)
        client.sendall(b"x" * 100_000)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        client.close()
        with connect(echo.port) as client:
            client.sendall(b"ping")
            assert client.recv(4) == b"ping"

    def test_client_reports_early_close(self) -> None:
        def close_after_three(conn: socket.socket) -> None:
            conn.sendall(conn.recv(100)[:3])  # read it all: unread data would turn the close into a reset

        with tcp_server(close_after_three, http=False) as (port, _):
            result = run("echo-client", "--port", str(port), "--message", "hello\r\n\r\n")
        assert result.returncode == 6
        assert result.stderr.decode() == f"Connection closed by server after 3 of 9 bytes from 127.0.0.1:{port}\n"

    def test_client_errors(self) -> None:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = str(unused.getsockname()[1])
            assert run("echo-client", "--port", port, "--message", "x").returncode == 4
        assert run("echo-client", "--host", BAD_NAME, "--port", port, "--message", "x").returncode == 3


class TestSntp:
    def test_client_and_ntplib_against_the_server_with_an_offset(self) -> None:
        with server("sntp-server", "--offset", "3600") as sntp:
            assert sntp.first_line == f"SNTP server listening on 127.0.0.1:{sntp.port}"
            expected = time.ctime(time.time() + 3600)
            raw = run("sntp-time", "--server", "127.0.0.1", "--port", str(sntp.port))
            ntp = run("ntp-time", "--server", "127.0.0.1", "--port", str(sntp.port))
            assert sntp.stop() == 0
        assert raw.returncode == 0, raw.stderr
        lines = raw.stdout.decode().splitlines()
        assert lines[0] == f"Response received from: ('127.0.0.1', {sntp.port})"
        assert lines[1].startswith("\tTime=")
        assert abs(time.mktime(time.strptime(lines[1][6:])) - time.mktime(time.strptime(expected))) <= 2
        assert ntp.returncode == 0, ntp.stderr
        assert abs(time.mktime(time.strptime(ntp.stdout.decode().strip())) - time.mktime(time.strptime(expected))) <= 2

    @pytest.mark.parametrize(
        ("fault", "code", "text"),
        [("kiss-RSTR", 13, "RSTR"), ("wrong-originate", 10, "originate"), ("short", 8, "48")],
    )
    def test_client_rejects_faults(self, fault: str, code: int, text: str) -> None:
        with server("sntp-server", "--fault", fault) as sntp:
            result = run("sntp-time", "--server", "127.0.0.1", "--port", str(sntp.port))
        assert result.returncode == code
        assert text in result.stderr.decode()
        assert result.stderr.decode().startswith(f"Invalid reply from 127.0.0.1:{sntp.port}: ")

    def test_silent_server_times_out(self) -> None:
        with server("sntp-server", "--fault", "silent") as sntp:
            start = time.monotonic()
            result = run("sntp-time", "--server", "127.0.0.1", "--port", str(sntp.port), "--timeout", "0.3")
            assert time.monotonic() - start < 2
        assert result.returncode == 7
        assert result.stderr.decode() == f"Timed out after 0.3 s talking to 127.0.0.1:{sntp.port}\n"

    def test_server_ignores_garbage_and_does_not_amplify(self) -> None:
        with server("sntp-server") as sntp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.settimeout(0.1)
            probe.connect(("127.0.0.1", sntp.port))
            for garbage in (b"", b"\x1b", b"\x1b" * 47, b"\x24" + bytes(47), b"\xff" * 48):
                probe.send(garbage)
                with pytest.raises(TimeoutError):
                    probe.recv(1024)
            probe.send(b"\x1b" + bytes(47))
            assert len(probe.recv(1024)) == 48

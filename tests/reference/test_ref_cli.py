"""The command line in-process: transcripts, usage errors, prompts, the exit-code table."""

from __future__ import annotations

import io
import socket

import pytest

from sockspec.implementation import RECIPES as KIT_RECIPES
from sockspec_reference._cli import build_parser, main
from sockspec_reference._exitcodes import MEANINGS, ExitCode
from sockspec_reference._peer import Peer, Step
from sockspec_reference._program import Failure
from sockspec_reference.recipes import load_all

RECIPES = load_all()


class TerminalInput(io.StringIO):
    """A stdin that claims to be a terminal, for the prompting path."""

    def isatty(self) -> bool:
        return True


def out_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


def usage_error(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


@pytest.fixture
def unresolvable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every lookup fails locally, so no test sends a DNS query."""

    def fail(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "gethostbyname", fail)
    monkeypatch.setattr(socket, "getaddrinfo", fail)


class TestParser:
    def test_recipe_names(self) -> None:
        # The kit's list of recipes is the program surface; the reference ships all of it, in order.
        assert tuple(recipe.name for recipe in RECIPES) == KIT_RECIPES

    @pytest.mark.parametrize("recipe", [recipe.name for recipe in RECIPES])
    def test_help_documents_exit_codes(self, recipe: str, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as caught:
            main([recipe, "--help"])
        assert caught.value.code == 0
        text = capsys.readouterr().out
        assert "exit codes:" in text
        assert "0  success" in text

    def test_every_exit_code_has_a_meaning(self) -> None:
        assert set(MEANINGS) == set(ExitCode)

    def test_no_recipe_is_a_usage_error(self) -> None:
        usage_error([])

    def test_main_help_lists_every_recipe(self) -> None:
        text = build_parser().format_help()
        assert all(recipe.name in text for recipe in RECIPES)


class TestLookups:
    def test_show_ip(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["show-ip"]) == 0
        name = socket.gethostname()
        assert out_lines(capsys) == [f"Host name: {name}", f"IP address: {socket.gethostbyname(name)}"]

    def test_show_ip_failure(self, unresolvable: None, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["show-ip"]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert len(captured.err.splitlines()) == 1
        assert "Name or service not known" in captured.err

    def test_remote_ip(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["remote-ip", "localhost"]) == 0
        assert out_lines(capsys) == ["IP address of localhost: 127.0.0.1"]

    def test_remote_ip_failure_names_the_host_on_stdout(
        self, unresolvable: None, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["remote-ip", "nosuch.invalid"]) == 1
        assert out_lines(capsys) == ["nosuch.invalid: [Errno -2] Name or service not known"]

    def test_remote_ip_without_host_and_terminal(self, no_terminal: None) -> None:
        usage_error(["remote-ip"])

    def test_remote_ip_prompts_on_a_terminal(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr("sys.stdin", TerminalInput("localhost\n"))
        assert main(["remote-ip"]) == 0
        assert capsys.readouterr().out == "input host's name:IP address of localhost: 127.0.0.1\n"

    @pytest.mark.parametrize(
        ("args", "line"),
        [
            (["--base", "16"], "Hexadecimal IPv4 Address: b'97654cdf'"),
            (["--base", "2"], r"Binary IPv4 address: b'\x97eL\xdf'"),
            (["--base", "16", "--plain"], "Hexadecimal IPv4 Address: 97654cdf"),
            (["--base", "2", "--plain"], "Binary IPv4 address: 10010111011001010100110011011111"),
        ],
    )
    def test_ip4_convert(self, args: list[str], line: str, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ip4-convert", "151.101.76.223", *args]) == 0
        assert out_lines(capsys) == ["IPv4 address of 151.101.76.223: 151.101.76.223", line]

    def test_ip4_convert_prompts_in_the_tutorials_order(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr("sys.stdin", TerminalInput("151.101.76.223\n2\n"))
        assert main(["ip4-convert"]) == 0
        assert capsys.readouterr().out.startswith("input host's name:input base,2 or 16:IPv4 address of")

    @pytest.mark.parametrize("base", ["8", "x", "10"])
    def test_ip4_convert_bad_base(self, base: str) -> None:
        usage_error(["ip4-convert", "127.0.0.1", "--base", base])

    def test_ip4_convert_failure(self, unresolvable: None, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ip4-convert", "nosuch.invalid", "--base", "2"]) == 1
        assert out_lines(capsys) == ["nosuch.invalid: [Errno -2] Name or service not known"]


class TestServices:
    def test_both_lookups_in_order(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["service-name", "--port", "80", "--service", "http"]) == 0
        assert out_lines(capsys) == [
            "Port: 80  Protocol: tcp => service name: http",
            "Service: http  Protocol: tcp => port name: 80",
        ]

    def test_unknown_service(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["service-name", "--service", "no-such-service"]) == 1
        assert len(capsys.readouterr().err.splitlines()) == 1

    @pytest.mark.parametrize("port", ["65536", "-1", "http"])
    def test_bad_port(self, port: str) -> None:
        usage_error(["service-name", "--port", port])

    def test_nothing_to_look_up(self, no_terminal: None) -> None:
        usage_error(["service-name"])

    def test_prompts_on_a_terminal(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        monkeypatch.setattr("sys.stdin", TerminalInput("80\nhttp\n"))
        assert main(["service-name"]) == 0
        assert capsys.readouterr().out == (
            "port:service:Port: 80  Protocol: tcp => service name: http\n"
            "Service: http  Protocol: tcp => port name: 80\n"
        )


class TestByteOrderAndSockets:
    def test_byte_order_default(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["byte-order"]) == 0
        long_, short = socket.ntohl(1234), socket.ntohs(1234)
        assert out_lines(capsys) == [
            f"Original: 1234 => Long host byte order: {long_}, Network byte order:{socket.htonl(1234)}",
            f"Original: 1234 => Short host byte order: {short}, Network byte order:{socket.htons(1234)}",
        ]

    def test_byte_order_too_wide_for_16_bits(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["byte-order", "70000"]) == 0
        lines = out_lines(capsys)
        assert lines[0].startswith("Original: 70000 => Long host byte order: ")
        assert lines[1] == "Original: 70000 => Short byte order: skipped, 70000 does not fit in 16 bits (0..65535)"

    @pytest.mark.parametrize("value", ["-1", "4294967296", "1.5", "x"])
    def test_byte_order_bad_value(self, value: str) -> None:
        usage_error(["byte-order", value])

    def test_socket_timeout(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["socket-timeout"]) == 0
        assert out_lines(capsys) == ["Default socket timeout: None", "True", "Current socket timeout: 100.0"]

    @pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
    def test_socket_timeout_bad_value(self, value: str) -> None:
        usage_error(["socket-timeout", "--timeout", value])

    def test_buffer_size(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["buffer-size", "--send", "8192", "--recv", "8192"]) == 0
        lines = out_lines(capsys)
        assert [line.split(":")[0] for line in lines] == [
            "send buffer size [Before]",
            "receive buffer size [Before]",
            "send buffer size [After]",
            "receive buffer size [After]",
        ]
        assert all(line.split(":")[1].isdigit() for line in lines)

    @pytest.mark.parametrize(
        "argv",
        [
            ["http-get", "--host", "127.0.0.1", "--port", "80"],
            ["http-get", "--port", "80", "--file", "/"],
            ["http-get", "--host", "h", "--port", "80", "--file", "/", "--timeout", "0"],
            ["echo-client", "--port", "1"],
            ["echo-client", "--port", "1", "--message", "x", "--encoding", "latin-1"],
            ["echo-client", "--port", "1", "--message", "\U0001f600", "--encoding", "gbk"],
            ["sntp-server", "--fault", "bogus"],
            ["sntp-server", "--stratum", "0"],
            ["reuse-server"],
            ["reuse-server", "--port", "0", "--encoding", "no-such-codec"],
        ],
    )
    def test_usage_errors(self, argv: list[str]) -> None:
        usage_error(argv)


class TestPeerSteps:
    PEER = Peer("example.test", 80, 1.5)

    @pytest.mark.parametrize(
        ("step", "error", "code", "message"),
        [
            (
                Step.CONNECT,
                socket.gaierror(-2, "Name or service not known"),
                ExitCode.ADDRESS,
                "Address-related error connecting to server: example.test:80: [Errno -2] Name or service not known",
            ),
            (Step.CONNECT, UnicodeError("label too long"), ExitCode.ADDRESS, None),
            (
                Step.CONNECT,
                ConnectionRefusedError(111, "Connection refused"),
                ExitCode.CONNECTION,
                "Connection error: example.test:80: [Errno 111] Connection refused",
            ),
            (Step.RECEIVE, ConnectionRefusedError(111, "Connection refused"), ExitCode.CONNECTION, None),
            (
                Step.SEND,
                BrokenPipeError(32, "Broken pipe"),
                ExitCode.SEND,
                "Error sending data: example.test:80: [Errno 32] Broken pipe",
            ),
            (
                Step.RECEIVE,
                ConnectionResetError(104, "Connection reset by peer"),
                ExitCode.RECEIVE,
                "Error receiving data: example.test:80: [Errno 104] Connection reset by peer",
            ),
            (
                Step.RECEIVE,
                TimeoutError("timed out"),
                ExitCode.TIMEOUT,
                "Timed out after 1.5 s talking to example.test:80",
            ),
        ],
    )
    def test_translation(self, step: Step, error: Exception, code: ExitCode, message: str | None) -> None:
        with pytest.raises(Failure) as caught, self.PEER.step(step):
            raise error
        assert caught.value.code == code
        if message is not None:
            assert caught.value.message == message
        assert caught.value.__cause__ is error

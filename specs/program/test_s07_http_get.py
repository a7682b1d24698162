"""§7 http-get: the tutorial's socket_errors client, on the wire and in its error paths.

Strategy: the peer is the kit's HTTP/1.0 server (``sockspec.servers.http``)
on 127.0.0.1, which records every byte the client sends and can answer
normally, reset mid-response, stay silent or close without a word.  A refused
connection goes to a port that is bound but not listening; a name that does
not resolve is looked up in the resolver sandbox.  Each scenario runs once;
the requirements that judge it (message, exit status) share the run, and
every case shows the command's transcript and the bytes on the wire.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from sockspec import expect_equal, expect_that, params
from sockspec.addresses import LOOPBACK
from sockspec.checks import attach
from sockspec.process import Completed
from sockspec.servers.http import Exchange, HttpServer, Mode, response
from specs.program._checks import (
    expect_exit,
    expect_exit_nonzero,
    expect_message,
    expect_no_traceback,
    expect_usage_error,
    template_regex,
)
from specs.program._peers import unlistened_port
from specs.program._scenarios import run_once

RESET_BODY_BYTES = 3072
#: A header line of a request (RFC 1945 §4.2): a token, a colon, then a value on the same line.
HEADER_LINE = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*")
#: The characters a URL holds as they are (RFC 3986 §2); a client may percent-encode the others.
URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*")
#: How long the kit server waits for a request's blank line, and for the client to close
#: (a correct client is far quicker; the rest allows for a loaded machine).
SERVER_TIMEOUT = 3.0


def body(size: int) -> bytes:
    """``size`` bytes of the values 0..255 repeated: mostly not valid UTF-8."""
    return (bytes(range(256)) * (size // 256 + 1))[:size]


def _common_prefix(a: bytes, b: bytes) -> int:
    return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _served(programs, payload: bytes, mode: Mode, file: str, *options: str, timeout: float | None = None):
    """Run http-get against a kit server; the run, the server's view of it, and what the server sent."""
    with HttpServer(payload, mode, timeout=SERVER_TIMEOUT) as server:
        try:
            done = programs.run(
                "http-get", "--host", LOOPBACK, "--port", str(server.port), "--file", file, *options, timeout=timeout
            )
            exchanges = server.finished(1)
        finally:
            attach("wire: kit HTTP/1.0 server", server.describe())
    return done, exchanges


def _exchange(shared, programs, case) -> tuple[Completed, list[Exchange], bytes]:
    file, size = case["input"]["file"], case["input"]["body_bytes"]
    payload = response(body(size))

    def make() -> Any:
        return (*_served(programs, payload, Mode.NORMAL, file), payload)

    return shared.get(("http-get", file, size), make)


def _scenario(shared, programs, resolver_sandbox, given) -> tuple[Completed, bytes]:
    """A failing scenario's run and the bytes the server sent before the failure."""
    name = given["scenario"]

    def make() -> Any:
        if name == "refused":
            with unlistened_port() as port:
                return programs.run("http-get", "--host", LOOPBACK, "--port", str(port), "--file", "/"), b""
        if name == "address":
            args = ("--host", "nosuch.invalid", "--port", "80", "--file", "/")
            return programs.run("http-get", *args, within=resolver_sandbox), b""
        if name == "reset":
            done, exchanges = _served(programs, response(body(RESET_BODY_BYTES)), Mode.RESET, "/")
        elif name == "silent":
            seconds = given["timeout_s"]
            option = ("--timeout", f"{seconds:g}")
            done, exchanges = _served(programs, b"", Mode.SILENT, "/", *option, timeout=seconds + 2.0)
        else:
            done, exchanges = _served(programs, b"", Mode.CLOSE, "/")
        return done, bytes(exchanges[0].sent) if exchanges else b""

    return shared.get(("http-get", name), make)


@pytest.fixture
def sandbox_if_needed(request, case):
    """The resolver sandbox for the address scenario only (N/A where it cannot be made)."""
    return request.getfixturevalue("resolver_sandbox") if case["input"].get("scenario") == "address" else None


def names_file(target: str, file: str) -> bool:
    """Whether a request's target is ``file``: as given or as an absolute path (RFC 1945 §5.1.2 allows no
    other), and percent-encoded or not where a URL cannot hold it as it is."""
    forms = {file, file if file.startswith("/") else "/" + file}
    return target in forms or (URL_CHARS.fullmatch(target) is not None and unquote(target) in forms)


def _request(shared, programs, case) -> bytes:
    """The bytes of the one request http-get sent; a second connection fails the case."""
    __tracebackhide__ = True
    _done, exchanges, _payload = _exchange(shared, programs, case)
    expect_equal("connections the kit server accepted", len(exchanges), 1)
    return bytes(exchanges[0].request)


@pytest.mark.parametrize("case", params("s07.http_get.request-bytes"))
def test_request_bytes(programs, shared, case):
    request = _request(shared, programs, case)
    head, blank, after = request.partition(b"\r\n\r\n")
    first, *headers = head.split(b"\r\n")
    file, line = case["input"]["file"], first.decode("utf-8", "replace")
    found = re.fullmatch(template_regex(case["expect"], file=".+"), line)
    expect_that(
        "request line http-get sent",
        found is not None and names_file(found["file"], file),
        expected=case["expect"].format(file=file) + " (the file may be percent-encoded and begin with /)",
        actual=line,
    )
    expect_that(
        "header lines http-get sent",
        all(HEADER_LINE.fullmatch(header) for header in headers),
        expected="none, or lines 'Name: value'",
        actual=headers,
    )
    expect_that(
        "what follows the request line and headers",
        bool(blank) and not after,
        expected="an empty line, then nothing",
        actual=f"{after!r}" if blank else "no empty line",
    )


@pytest.mark.parametrize("case", params("s07.http_get.request-headers"))
def test_request_headers(programs, shared, case, fact):
    head = _request(shared, programs, case).partition(b"\r\n\r\n")[0]
    headers = [line.decode("utf-8", "replace") for line in head.split(b"\r\n")[1:]]
    fact("header lines http-get sent", "; ".join(headers) if headers else "none, as the tutorial")


@pytest.mark.parametrize("case", params("s07.http_get.response-bytes"))
def test_response_bytes(programs, shared, case):
    done, _exchanges, payload = _exchange(shared, programs, case)
    same = _common_prefix(done.stdout, payload)
    expect_that(
        "stdout of http-get",
        done.stdout == payload,
        expected=f"the {len(payload)} bytes the server sent, unchanged",
        actual=f"{len(done.stdout)} bytes, the first {same} of them as sent",
    )
    expect_no_traceback("http-get", done)
    expect_exit("http-get", done, 0)


@pytest.mark.parametrize(
    "case", params("s07.http_get.refused", "s07.http_get.address-error", "s07.http_get.reset", "s07.http_get.timeout")
)
def test_failure_message(programs, shared, sandbox_if_needed, case):
    done, sent = _scenario(shared, programs, sandbox_if_needed, case["input"])
    expect_exit_nonzero("http-get", done)
    message = expect_message("http-get", done, case["accept"], sent)
    expect_no_traceback("http-get", done)
    if case["input"]["scenario"] == "reset":
        received = _common_prefix(done.stdout, sent)
        after = done.stdout[received:].decode("utf-8", "replace").strip()
        expect_that(
            "stdout of http-get after a reset",
            after == "" or after == message,
            expected=f"a prefix of the {len(sent)} bytes the server sent, then at most the error message",
            actual=f"{received} bytes the server sent, then {after[:80]!r}",
        )
    if "expect" in case.data:
        low, high = case["expect"]["min_s"], case["expect"]["max_s"]
        expect_that(
            "time until http-get gave up",
            low <= done.duration <= high,
            expected=f"{low:g} to {high:g} s",
            actual=f"{done.duration:.2f} s",
        )


@pytest.mark.parametrize("case", params("s07.http_get.exit-codes"))
def test_exit_code(programs, shared, sandbox_if_needed, case):
    done, _sent = _scenario(shared, programs, sandbox_if_needed, case["input"])
    expect_exit("http-get", done, case["expect"])


@pytest.mark.parametrize("case", params("s07.http_get.empty-response"))
def test_empty_response(programs, shared, case):
    done, _sent = _scenario(shared, programs, None, case["input"])
    expect_exit("http-get", done, 0)
    expect_equal("stdout of http-get", done.stdout, b"")
    expect_no_traceback("http-get", done)


@pytest.mark.parametrize("case", params("s07.http_get.usage"))
def test_usage(programs, shared, case):
    done = run_once(shared, programs, "http-get", *case["input"])
    expect_usage_error(" ".join(["http-get", *case["input"]]), done)

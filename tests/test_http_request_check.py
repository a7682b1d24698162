"""The http-get request check (s07.http_get.request-bytes) accepts an HTTP/1.0 request for the file, and no other.

A client may send header lines the tutorial does not, percent-encode what a
URL cannot hold, and give a file without a leading '/' one (RFC 1945 §5.1.2
allows only an absolute path); it may not ask for another file.
"""

from __future__ import annotations

import pytest

from specs.program.test_s07_http_get import HEADER_LINE, names_file


@pytest.mark.parametrize(
    ("target", "file"),
    [
        ("/docs/a b.txt", "/docs/a b.txt"),
        ("/docs/a%20b.txt", "/docs/a b.txt"),
        ("1_7_socket_errors.py", "1_7_socket_errors.py"),
        ("/1_7_socket_errors.py", "1_7_socket_errors.py"),
        ("/docs/a%20b.txt", "/docs/a%20b.txt"),
    ],
)
def test_the_file_in_any_form_a_client_may_send(target: str, file: str) -> None:
    assert names_file(target, file)


@pytest.mark.parametrize(
    ("target", "file"),
    [
        ("/docs/a%20c.txt", "/docs/a b.txt"),
        ("/docs/a b.txt%20", "/docs/a b.txt"),
        ("//1_7_socket_errors.py", "1_7_socket_errors.py"),
        ("/docs/a b%2Etxt x", "/docs/a b.txt"),
        ("/", "/index.html"),
    ],
)
def test_another_file_is_not_the_file(target: str, file: str) -> None:
    assert not names_file(target, file)


@pytest.mark.parametrize("line", [b"Host: 127.0.0.1:8080", b"User-Agent: curl/7.88.1", b"X-Empty:"])
def test_header_lines(line: bytes) -> None:
    assert HEADER_LINE.fullmatch(line)


@pytest.mark.parametrize("line", [b"not a header", b": no name", b"Bad Name: x", b"GET / HTTP/1.0"])
def test_lines_that_are_no_header(line: bytes) -> None:
    assert not HEADER_LINE.fullmatch(line)

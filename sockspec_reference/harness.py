"""Serve a socket module over the sockspec harness protocol.

    python -m sockspec_reference.harness [--module NAME]

Reads one JSON request per line on stdin and writes one JSON response per
line on stdout, calling the module (``socket`` by default; any module with the
same API, such as ``gevent.socket``) for real.  docs/harness-protocol.md
describes the protocol.  No request can crash the harness: whatever goes
wrong becomes an error response and the next line is served.  ``stop``, or
the end of stdin, ends it with status 0.

A socket is whatever the module's own constructors return (``SOCKET_MAKERS``),
whatever its class: a module may wrap sockets in a class of its own, with
methods reached through ``__getattr__``, so methods are looked up on each
object, never on a class.  What the harness itself cannot serve (a result no
protocol value can carry) is answered ``HarnessError``, so that the kit does
not blame the module for a gap of the harness.

This file must run on Python 3.9 (Debian's PyPy) and uses only the standard
library: it is an implementation beside the kit, not part of it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import importlib
import json
import math
import os
import platform
import re
import socket
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

PROTOCOL = 1
MAX_LINE = 16 * 1024 * 1024
SAFE_INT = 2**53 - 1

#: Module functions served when the module has them.  Functions that take or
#: return file objects or buffers to fill are left out: they cannot travel.
MODULE_FUNCTIONS = (
    "gethostname",
    "gethostbyname",
    "gethostbyname_ex",
    "gethostbyaddr",
    "getfqdn",
    "getaddrinfo",
    "getnameinfo",
    "getservbyname",
    "getservbyport",
    "getprotobyname",
    "inet_aton",
    "inet_ntoa",
    "inet_pton",
    "inet_ntop",
    "htonl",
    "ntohl",
    "htons",
    "ntohs",
    "getdefaulttimeout",
    "setdefaulttimeout",
    "has_dualstack_ipv6",
    "socket",
    "socketpair",
    "create_connection",
    "create_server",
    "fromfd",
)

#: Socket methods served when the module's socket objects have them.
SOCKET_METHODS = (
    "accept",
    "bind",
    "close",
    "connect",
    "connect_ex",
    "dup",
    "fileno",
    "getblocking",
    "getpeername",
    "getsockname",
    "getsockopt",
    "gettimeout",
    "listen",
    "recv",
    "recvfrom",
    "send",
    "sendall",
    "sendto",
    "setblocking",
    "setsockopt",
    "settimeout",
    "shutdown",
)

#: The calls whose results hold new sockets: module functions and socket
#: methods.  Every value in such a result that is not a plain protocol value
#: (``accept``'s connection, both of ``socketpair``'s) is a socket.
SOCKET_MAKERS = frozenset({"socket", "socketpair", "create_connection", "create_server", "fromfd", "accept", "dup"})

_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


class BadRequest(Exception):
    """The request cannot be understood (error type ``BadRequest``)."""


class Unsupported(Exception):
    """The module does not offer what was asked (error type ``Unsupported``)."""


class HarnessError(Exception):
    """This harness cannot serve what the module did (error type ``HarnessError``)."""


class Harness:
    """The protocol's state: the module served and the sockets handed out."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.module = importlib.import_module(module_name)
        self.sockets: dict[int, Any] = {}
        self.stopped = False
        self.functions = [name for name in MODULE_FUNCTIONS if callable(getattr(self.module, name, None))]
        self.methods = _methods_of(self.module)
        # Checked most specific first: the first three are subclasses of OSError.
        self.error_types = (
            ("gaierror", getattr(self.module, "gaierror", socket.gaierror)),
            ("herror", getattr(self.module, "herror", socket.herror)),
            ("TimeoutError", (getattr(self.module, "timeout", socket.timeout), TimeoutError)),
            ("OSError", OSError),
            ("OverflowError", OverflowError),
            ("ValueError", ValueError),
            ("TypeError", TypeError),
            ("Unsupported", Unsupported),
            ("HarnessError", HarnessError),
            ("BadRequest", BadRequest),
        )

    # -- values ----------------------------------------------------------

    def encode(self, value: Any, made: bool = False) -> Any:
        """A Python value as wire JSON; with ``made`` (a maker's result), other objects are new sockets."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            number = int(value)
            return number if -SAFE_INT <= number <= SAFE_INT else {"$int": str(number)}
        if isinstance(value, float):
            return {"$float": value if math.isfinite(value) else repr(value)}
        if isinstance(value, (bytes, bytearray)):
            return {"$bytes": base64.b64encode(value).decode("ascii")}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(item, made) for item in value]}
        if isinstance(value, list):
            return [self.encode(item, made) for item in value]
        if made:
            handle = len(self.sockets) + 1
            self.sockets[handle] = value
            return {"$handle": handle}
        raise HarnessError(
            f"this harness cannot carry a value of type {type(value).__name__} over the protocol: {_clip(value)}"
        )

    def decode(self, data: Any) -> Any:
        """Wire JSON as a Python value; a handle becomes the socket it names."""
        if data is None or isinstance(data, (bool, int, str)):
            return data
        if isinstance(data, list):
            return [self.decode(item) for item in data]
        if isinstance(data, dict) and len(data) == 1:
            tag, body = next(iter(data.items()))
            reader = _TAG_READERS.get(tag)
            if reader is not None:
                return reader(self, body)
        raise BadRequest(f"not a protocol value: {_clip(data)}")

    def _read_bytes(self, body: Any) -> bytes:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise BadRequest(f"'$bytes' holds no padded base64: {_clip(body)}") from None

    def _read_tuple(self, body: Any) -> tuple:
        if not isinstance(body, list):
            raise BadRequest(f"'$tuple' holds no array: {_clip(body)}")
        return tuple(self.decode(item) for item in body)

    def _read_float(self, body: Any) -> float:
        if isinstance(body, bool) or not isinstance(body, (int, float, str)):
            raise BadRequest(f"'$float' holds no number: {_clip(body)}")
        if isinstance(body, str) and body not in ("nan", "inf", "-inf"):
            raise BadRequest(f"'$float' holds an unknown name: {_clip(body)}")
        return float(body)

    def _read_int(self, body: Any) -> int:
        if isinstance(body, str) and re.fullmatch(r"-?[0-9]+", body):
            with contextlib.suppress(ValueError):  # more digits than int() converts
                return int(body)
        raise BadRequest(f"'$int' holds no decimal string: {_clip(body)}")

    def _read_handle(self, body: Any) -> Any:
        if isinstance(body, bool) or not isinstance(body, int) or body not in self.sockets:
            raise BadRequest(f"no socket has handle {_clip(body)}")
        return self.sockets[body]

    # -- requests ----------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """The result of ``start``: who this is, what it offers, the constants."""
        names = [name for name in dir(self.module) if _CONSTANT_NAME.fullmatch(name)]
        constants = {name: getattr(self.module, name) for name in names}
        constants = {name: value for name, value in constants.items() if isinstance(value, int)}
        if isinstance(getattr(self.module, "has_ipv6", None), bool):
            constants["has_ipv6"] = self.module.has_ipv6
        top = sys.modules[self.module_name.partition(".")[0]]
        version = getattr(top, "__version__", None) or platform.python_version()
        return {
            "name": "reference" if self.module_name == "socket" else self.module_name,
            "version": str(version),
            "language": "python",
            "runtime": _runtime(),
            "protocol": PROTOCOL,
            "module": self.module_name,
            "capabilities": self.functions + ["socket." + name for name in self.methods],
            "constants": {name: self.encode(value) for name, value in sorted(constants.items())},
        }

    def call(self, request: dict[str, Any]) -> Any:
        """Run one ``call`` request and return its encoded result."""
        fn = request.get("fn")
        args = request.get("args", [])
        kwargs = request.get("kwargs", {})
        if not isinstance(fn, str) or not isinstance(args, list) or not isinstance(kwargs, dict):
            raise BadRequest("a call needs 'fn' (a string), 'args' (an array), optional 'kwargs' (an object)")
        if "handle" in request:
            target = self._read_handle(request["handle"])
            offered, where = self.methods, f"{self.module_name} sockets"
        else:
            target, offered, where = self.module, self.functions, f"module {self.module_name}"
        if fn not in offered:
            raise Unsupported(f"{where} offers no function {fn!r} through this harness")
        function = getattr(target, fn, None)
        if not callable(function):  # e.g. an accepted socket of another class than socket() makes
            raise Unsupported(f"this {type(target).__name__} object of {self.module_name} has no method {fn!r}")
        args = [self.decode(arg) for arg in args]
        kwargs = {key: self.decode(value) for key, value in kwargs.items()}
        return self.encode(function(*args, **kwargs), made=fn in SOCKET_MAKERS)

    def close_all(self) -> None:
        for sock in self.sockets.values():
            with contextlib.suppress(OSError):
                sock.close()

    def answer(self, line: bytes) -> dict[str, Any]:
        """The response to one request line; never raises for anything in the line."""
        ident = None
        try:
            try:
                request = json.loads(line, parse_constant=_reject_constant)
            except (ValueError, RecursionError) as exc:
                raise BadRequest(f"the line is not JSON ({exc}): {_clip(line.rstrip())}") from None
            if not isinstance(request, dict):
                raise BadRequest(f"a request is a JSON object, got {_clip(request)}")
            ident = request.get("id")
            if isinstance(ident, bool) or not isinstance(ident, int) or ident < 0:
                ident = None
                raise BadRequest(f"a request needs an integer 'id' of 0 or more, got {_clip(request.get('id'))}")
            op = request.get("op")
            if op not in _OPS:
                raise BadRequest(f"unknown op {_clip(op)}; known: {', '.join(sorted(_OPS))}")
            return {"id": ident, "ok": True, "result": _OPS[op](self, request)}
        except Exception as exc:  # every failure is an answer, none a crash
            return {"id": ident, "ok": False, "error": self.error(exc)}

    def error(self, exc: Exception) -> dict[str, Any]:
        """An exception as the ``error`` object of a response."""
        kind = next((name for name, classes in self.error_types if isinstance(exc, classes)), "OtherError")
        error: dict[str, Any] = {"type": kind, "message": str(exc), "name": type(exc).__name__}
        if isinstance(exc, OSError):
            error["errno"] = exc.errno
            if exc.errno is not None and exc.strerror:
                error["message"] = exc.strerror
        return error

    def start(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("protocol") != PROTOCOL:
            raise BadRequest(f"this harness speaks protocol {PROTOCOL}, not {_clip(request.get('protocol'))}")
        return self.metadata()

    def stop(self, request: dict[str, Any]) -> None:
        self.close_all()
        self.stopped = True


_TAG_READERS: dict[str, Callable[[Harness, Any], Any]] = {
    "$bytes": Harness._read_bytes,
    "$tuple": Harness._read_tuple,
    "$float": Harness._read_float,
    "$int": Harness._read_int,
    "$handle": Harness._read_handle,
}

_OPS: dict[str, Callable[[Harness, dict[str, Any]], Any]] = {
    "start": Harness.start,
    "call": Harness.call,
    "stop": Harness.stop,
}


def _methods_of(module: Any) -> list[str]:
    """The socket methods the module's sockets have, read off one socket it makes.

    Asking the object rather than its class finds methods that a wrapper
    class serves through ``__getattr__``.  A module that cannot make a socket
    here is asked about its ``socket`` attribute instead; its calls will say
    why.
    """
    make: Any = getattr(module, "socket", None)
    try:
        probe = make(getattr(module, "AF_INET", socket.AF_INET), getattr(module, "SOCK_STREAM", socket.SOCK_STREAM))
    except Exception:  # the calls that need a socket will report the module's error themselves
        return [name for name in SOCKET_METHODS if callable(getattr(make, name, None))]
    try:
        return [name for name in SOCKET_METHODS if callable(getattr(probe, name, None))]
    finally:
        with contextlib.suppress(Exception):
            probe.close()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _clip(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _runtime() -> str:
    runtime = f"{platform.python_implementation()} {platform.python_version()}"
    pypy = getattr(sys, "pypy_version_info", None)
    return runtime if pypy is None else f"{runtime} (PyPy {pypy.major}.{pypy.minor}.{pypy.micro})"


def _read_line(stream: BinaryIO) -> bytes | None:
    """The next line, ``b""`` at end of input, or ``None`` for an over-long line (skipped)."""
    line = stream.readline(MAX_LINE + 1)
    if len(line) <= MAX_LINE or line.endswith(b"\n"):
        return line
    while line and not line.endswith(b"\n"):  # skip the rest of it
        line = stream.readline(MAX_LINE)
    return None


def _dump(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii") + b"\n"


def serve(harness: Harness, requests: BinaryIO, responses: BinaryIO) -> int:
    """Answer requests until ``stop`` or end of input; return the exit status."""
    too_long = {"type": "BadRequest", "message": f"line longer than {MAX_LINE} bytes"}
    while True:
        line = _read_line(requests)
        if line == b"":
            return 0
        response = {"id": None, "ok": False, "error": too_long} if line is None else harness.answer(line)
        data = _dump(response)
        if len(data) > MAX_LINE + 1:
            error = {"type": "HarnessError", "message": "the result is longer than one line may be"}
            data = _dump({"id": response["id"], "ok": False, "error": error})
        responses.write(data)
        responses.flush()
        if harness.stopped:
            return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sockspec_reference.harness",
        description="Serve a socket module over the sockspec harness protocol.",
    )
    parser.add_argument("--module", default="socket", help="module that provides the socket API (default: socket)")
    args = parser.parse_args(argv)
    # The protocol owns stdout: keep a private copy of it, then point fd 1 at
    # stderr, so nothing the module prints (from Python or C, at import time
    # or later) can corrupt it.
    sys.stdout.flush()
    responses = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        harness = Harness(args.module)
    except Exception as exc:  # any import failure ends the harness with a reason
        print(
            f"sockspec_reference.harness: cannot serve module {args.module!r}: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return 2
    try:
        return serve(harness, sys.stdin.buffer, responses)
    except BrokenPipeError:  # the kit went away; nobody is left to answer
        return 0
    finally:
        harness.close_all()


if __name__ == "__main__":
    sys.exit(main())

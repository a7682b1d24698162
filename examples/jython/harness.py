"""A sockspec harness for Jython 2.7: its socket module, as it is, over the harness protocol.

    jython examples/jython/harness.py

Jython reimplements Python's socket module on the JVM (Lib/_socket.py, on
Netty), so this file is Python 2.7 and runs under Jython only (it catches
Java exceptions).  It speaks docs/harness-protocol.md, version 1: one JSON
request per line on stdin, one response per line on stdout; no request can
crash it; ``stop`` or the end of stdin ends it with status 0.

Python 2 has one ``str`` for text and bytes; the protocol has both.  The
harness translates types only, never behaviour: wire text becomes
``unicode`` and wire bytes ``str``; a result is bytes where Python 3's is
(``BYTES_RESULTS``), and every other string is text.
"""

import base64
import json
import platform
import re
import socket
import sys

from java.lang import Throwable

PROTOCOL = 1
MAX_LINE = 16 * 1024 * 1024
SAFE_INT = 2**53 - 1
#: Padded base64 (its length a multiple of four is checked apart), with no repeated group to recurse on.
BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}\Z")

#: Module functions served where the module has them (values that cannot travel, such as files, are left out).
FUNCTIONS = (
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
    "socket",
    "socketpair",
    "create_connection",
    "fromfd",
)
#: Socket methods served where Jython's sockets have them.
METHODS = (
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
#: Calls whose results hold new sockets: every object in them that is not a plain value is one.
MAKERS = frozenset(["socket", "socketpair", "create_connection", "fromfd", "accept", "dup"])
#: Calls whose result (for ``recvfrom``, its first item) is ``bytes`` in Python 3.
BYTES_RESULTS = frozenset(["recv", "recvfrom", "inet_aton", "inet_pton", "getsockopt"])


class Failure(Exception):
    """An error of the protocol's own types (BadRequest, Unsupported, HarnessError)."""

    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind


class Raw(str):
    """A Python 2 ``str`` that stands for Python 3 ``bytes``."""


#: Exception classes in the protocol's terms, most specific first (gaierror, herror, timeout are socket.error).
ERRORS = (
    (socket.gaierror, "gaierror"),
    (socket.herror, "herror"),
    (socket.timeout, "TimeoutError"),
    (EnvironmentError, "OSError"),
    (OverflowError, "OverflowError"),
    (ValueError, "ValueError"),
    (TypeError, "TypeError"),
)


class Harness(object):
    """The sockets handed out, by handle, and the requests' answers."""

    def __init__(self):
        self.sockets = {}
        self.stopped = False
        self.functions = [name for name in FUNCTIONS if callable(getattr(socket, name, None))]
        # Read off a socket, not its class: Jython sets recv, send and others on each socket object.
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.methods = [name for name in METHODS if callable(getattr(probe, name, None))]
        probe.close()

    def encode(self, value, made=False):
        if value is None or isinstance(value, (bool, unicode)):
            return value
        if isinstance(value, Raw):
            return {"$bytes": base64.b64encode(value)}
        if isinstance(value, str):
            try:
                return value.decode("utf-8")
            except UnicodeError:
                raise Failure("HarnessError", "a text result is not UTF-8: %s" % clip(value))
        if isinstance(value, (int, long)):
            return value if -SAFE_INT <= value <= SAFE_INT else {"$int": str(value)}
        if isinstance(value, float):
            return {"$float": value if value - value == 0 else repr(value)}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(item, made) for item in value]}
        if isinstance(value, list):
            return [self.encode(item, made) for item in value]
        if made:
            self.sockets[len(self.sockets) + 1] = value
            return {"$handle": len(self.sockets)}
        raise Failure("HarnessError", "a %s cannot travel over the protocol" % type(value).__name__)

    def decode(self, data):
        if data is None or isinstance(data, (bool, int, long, unicode)):
            return data
        if isinstance(data, list):
            return [self.decode(item) for item in data]
        if isinstance(data, dict) and len(data) == 1:
            tag, body = data.items()[0]
            if tag == "$bytes" and isinstance(body, unicode) and len(body) % 4 == 0 and BASE64.match(body):
                return base64.b64decode(body)
            if tag == "$tuple" and isinstance(body, list):
                return tuple(self.decode(item) for item in body)
            if tag == "$float" and (
                body in ("nan", "inf", "-inf") or (isinstance(body, (int, long, float)) and not isinstance(body, bool))
            ):
                return float(body)
            if tag == "$int" and isinstance(body, unicode) and re.match(r"^-?[0-9]+\Z", body):
                return int(body)
            if tag == "$handle":
                if isinstance(body, (int, long)) and not isinstance(body, bool) and body in self.sockets:
                    return self.sockets[body]
                raise Failure("BadRequest", "no socket has handle %s" % clip(body))
        raise Failure("BadRequest", "not a protocol value: %s" % clip(data))

    def start(self, request):
        if request.get("protocol") != PROTOCOL:
            raise Failure(
                "BadRequest", "this harness speaks protocol %d, not %s" % (PROTOCOL, clip(request.get("protocol")))
            )
        constants = dict((name, getattr(socket, name)) for name in dir(socket) if re.match(r"^[A-Z][A-Z0-9_]*\Z", name))
        constants = dict(
            (name, value)
            for name, value in constants.items()
            if isinstance(value, (int, long)) and not isinstance(value, bool)
        )
        constants["has_ipv6"] = bool(socket.has_ipv6)
        return {
            "name": "jython",
            "version": platform.python_version(),
            "language": "python",
            "runtime": "Jython %s on Java %s" % (platform.python_version(), platform.java_ver()[0]),
            "protocol": PROTOCOL,
            "capabilities": self.functions + ["socket." + name for name in self.methods],
            "constants": constants,
        }

    def call(self, request):
        fn, args, kwargs = request.get("fn"), request.get("args", []), request.get("kwargs", {})
        if not isinstance(fn, unicode) or not isinstance(args, list) or not isinstance(kwargs, dict):
            raise Failure(
                "BadRequest", "a call needs 'fn' (a string), 'args' (an array), optional 'kwargs' (an object)"
            )
        target, offered = (
            (socket, self.functions)
            if "handle" not in request
            else (self.decode({"$handle": request["handle"]}), self.methods)
        )
        if fn not in offered:
            raise Failure("Unsupported", "Jython's socket module offers no %s through this harness" % fn)
        args = [self.decode(arg) for arg in args]
        kwargs = dict((str(key), self.decode(value)) for key, value in kwargs.items())
        result = getattr(target, fn)(*args, **kwargs)
        if fn in BYTES_RESULTS and isinstance(result, str):
            result = Raw(result)
        elif fn == "recvfrom":
            result = (Raw(result[0]),) + tuple(result[1:])
        return self.encode(result, made=fn in MAKERS)

    def stop(self, request):
        for sock in self.sockets.values():
            try:
                sock.close()
            except (Exception, Throwable):
                pass
        self.stopped = True

    def answer(self, line):
        """The response to one request line; nothing in the line can make it raise."""
        ident = None
        try:
            try:
                request = json.loads(line, parse_constant=reject_constant)
            except ValueError as exc:
                raise Failure("BadRequest", "the line is not JSON (%s): %s" % (exc, clip(line.rstrip())))
            if not isinstance(request, dict):
                raise Failure("BadRequest", "a request is a JSON object, got %s" % clip(request))
            ident = request.get("id")
            if isinstance(ident, bool) or not isinstance(ident, (int, long)) or ident < 0:
                ident = None
                raise Failure("BadRequest", "a request needs an integer 'id' of 0 or more")
            op = {"start": self.start, "call": self.call, "stop": self.stop}.get(request.get("op"))
            if op is None:
                raise Failure("BadRequest", "unknown op %s; known: call, start, stop" % clip(request.get("op")))
            return {"id": ident, "ok": True, "result": op(request)}
        except (Exception, Throwable) as exc:
            return {"id": ident, "ok": False, "error": error(exc)}


def error(exc):
    """An exception as the ``error`` object of a response."""
    kind = (
        exc.kind
        if isinstance(exc, Failure)
        else next((k for classes, k in ERRORS if isinstance(exc, classes)), "OtherError")
    )
    result = {"type": kind, "message": text(exc), "name": type(exc).__name__}
    if isinstance(exc, EnvironmentError):
        result["errno"] = exc.errno if isinstance(exc.errno, (int, long)) else None
        if result["errno"] is not None and exc.strerror:
            result["message"] = text(exc.strerror)
    return result


def text(value):
    """``unicode(value)``, whatever bytes a message holds."""
    try:
        return unicode(value)
    except UnicodeError:
        return str(value).decode("utf-8", "replace")


def clip(value, limit=120):
    shown = repr(value)
    return shown if len(shown) <= limit else "%s... (%d characters)" % (shown[:limit], len(shown))


def reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def dump(message):
    return json.dumps(message, ensure_ascii=True, allow_nan=False, separators=(",", ":")) + "\n"


def main():
    # The protocol owns stdout: whatever else prints goes to stderr.
    responses, sys.stdout = sys.stdout, sys.stderr
    harness = Harness()
    while not harness.stopped:
        line = sys.stdin.readline(MAX_LINE + 1)
        if not line:
            break
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = sys.stdin.readline(MAX_LINE)
            data = dump(
                {
                    "id": None,
                    "ok": False,
                    "error": {"type": "BadRequest", "message": "line longer than %d bytes" % MAX_LINE},
                }
            )
        else:
            response = harness.answer(line)
            data = dump(response)
            if len(data) > MAX_LINE + 1:
                data = dump(
                    {
                        "id": response["id"],
                        "ok": False,
                        "error": {"type": "HarnessError", "message": "the result is longer than one line may be"},
                    }
                )
        responses.write(data)
        responses.flush()
    harness.stop(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

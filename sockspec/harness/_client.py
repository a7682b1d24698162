"""The kit's end of the harness protocol: one client per implementation run.

Theory of operation: a *session* is one run of the harness process, from
``start`` until it stops or fails.  Any fault of the implementation (no answer
in time, a crash, a line the protocol does not allow) ends the session: the
process is killed and reaped, the fault is raised as the matching
``IUTError``, and the next call opens a fresh session, so one broken case does
not poison the cases after it.  Socket proxies belong to the session that made
them; once it has ended, using them raises ``IUTError`` saying so.

Errors the socket API itself raised come back as the same Python exceptions
(``OSError`` with its errno, ``socket.gaierror``, ``TimeoutError`` ...); a call
the harness does not offer raises ``Unsupported``, grading the case
UNSUPPORTED rather than FAIL.  Under ``--strict`` the profile says what the
harness does not fully serve (``Declared``), and a gap it does not declare
is a broken promise of the harness: a ``KitError``, since the case was not
judged.  What the harness answers ``HarnessError``, and
a value the kit itself cannot send, raise ``KitError``: a gap of the kit or of
the harness, which says nothing about the implementation.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from weakref import WeakValueDictionary

from sockspec.errors import CannotStart, IUTError, IUTProtocolError, KitError, KitUsageError
from sockspec.harness._api import HarnessAPI, SocketProxy
from sockspec.harness._codec import CodecError, Json, clipped_repr, decode, encode
from sockspec.harness._deadlines import START_ALLOWANCE_S, call_allowance
from sockspec.harness._protocol import (
    MAX_LINE,
    PROTOCOL_VERSION,
    describe_call,
    dump_line,
    metadata_problem,
    parse_line,
    remote_exception,
    response_problem,
)
from sockspec.harness._schema import MessageValidator
from sockspec.outcomes import unsupported
from sockspec.process import Env, LineProcess

__all__ = ["Declared", "HarnessClient", "Session"]


@dataclass(frozen=True)
class Declared:
    """What a profile declares that its harness does not fully serve; ``--strict`` holds the harness to it.

    Names are capabilities as a harness lists them (``htonl``, ``socket.recv``,
    a constant such as ``AF_INET6``): the profile's ``api.<name>`` without
    ``api.``.  ``lacks`` may be withheld from the capability list;
    ``partial`` may be answered ``Unsupported`` for some forms of argument
    or result.
    """

    lacks: frozenset[str] = frozenset()
    partial: frozenset[str] = frozenset()

    @classmethod
    def of(cls, lacks: Iterable[str], partial: Iterable[str]) -> Declared:
        """From a profile's ``lacks`` and ``partial``; names not under ``api.`` are not the harness's."""
        return cls(_api_names(lacks), _api_names(partial))


def _api_names(capabilities: Iterable[str]) -> frozenset[str]:
    return frozenset(name.removeprefix("api.") for name in capabilities if name.startswith("api."))


@dataclass(eq=False)
class Session:
    """One run of the harness process: what it declared and the sockets it holds."""

    process: LineProcess
    name: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    capabilities: frozenset[str] = frozenset()
    constants: dict[str, Any] = field(default_factory=dict)
    #: What ``setdefaulttimeout`` lets a new socket block for (``_deadlines.blocking_allowance``).
    default_allowance: float = 0.0
    proxies: WeakValueDictionary[int, SocketProxy] = field(default_factory=WeakValueDictionary)
    #: What the profile declares under ``--strict``; ``None``: every gap is UNSUPPORTED.
    declared: Declared | None = None

    def require(self, capability: str) -> None:
        """End the case as UNSUPPORTED unless the harness offers ``capability`` (``KitError``: undeclared)."""
        if capability in self.capabilities:
            return
        if self.declared is not None and capability not in self.declared.lacks:
            raise KitError(
                f"harness {self.name!r} does not offer {capability!r}, and the profile does not declare"
                f' that it lacks it (lacks = ["api.{capability}"])'
            )
        unsupported(capability, f"harness {self.name!r} does not list it among its capabilities")


def _fault(error: Mapping[str, Any], what: str) -> IUTError | KitError:
    """The error for an error response that is not the socket API's answer, or that ends the session."""
    if error["type"] == "HarnessError":
        return KitError(f"the harness cannot serve {what}: {error['message']}")
    if error["type"] == "OtherError":
        raised = error.get("name", "an exception")
        return IUTError(f"{what} raised {raised}, which is outside the protocol's error set: {error['message']!r}")
    return IUTProtocolError(f"harness answered {what} with {error['type']}: {error['message']!r}")


def _no_handle(handle: int) -> object:
    raise CodecError(f"a constant cannot be a socket handle, got {handle!r}")


class HarnessClient:
    """Runs a harness command and presents its socket API as ``api``.

    ``call_timeout`` bounds every request; a request may take longer by what
    it may legitimately spend (``start`` the runtime's start-up, a call a
    socket's timeout or a name lookup: ``sockspec.harness._deadlines``).  With ``validate`` every
    message in both directions is checked against ``schema.json``.  ``env``
    changes the kit's environment for the harness (``None`` removes a
    variable; see ``sockspec.process.Env``).  ``kit_adapter`` says that the
    harness is the kit's own way of serving an in-process module (the
    reference harness), so a failure to start it is a ``KitError``, not the
    implementation's fault.  ``declared`` (``--strict``) is what the profile
    says the harness does not fully serve; any other gap is a ``KitError``.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        call_timeout: float = 5.0,
        validate: bool = False,
        env: Env | None = None,
        cwd: str | os.PathLike[str] | None = None,
        kit_adapter: bool = False,
        declared: Declared | None = None,
    ) -> None:
        if not argv:
            raise KitUsageError("the harness command is empty")
        if not call_timeout > 0:
            raise KitUsageError(f"call_timeout must be a positive number of seconds, got {call_timeout!r}")
        self.argv = list(argv)
        self._call_timeout = call_timeout
        self._env = env
        self._cwd = cwd
        self._kit_adapter = kit_adapter
        self._declared = declared
        self._validator = MessageValidator() if validate else None
        self._ids = itertools.count(1)
        self._session: Session | None = None
        self._closed = False
        #: The module-like object spec code calls; it starts the harness on first use.
        self.api = HarnessAPI(self)

    def __enter__(self) -> HarnessClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            self.close()
        except KitError:
            if kind is None:  # a harness that stopped badly must not hide what ended the block
                raise

    @property
    def pid(self) -> int | None:
        """The harness process's id while a session is open, else ``None``."""
        return None if self._session is None else self._session.process.pid

    def start(self) -> dict[str, Any]:
        """Start the harness if it is not running and return its metadata.

        The metadata is the result of ``start`` with the constants decoded:
        name, version, language, runtime, protocol, capabilities, constants.
        """
        return dict(self.session().metadata)

    def session(self) -> Session:
        """The open session, after starting the harness (again) if needed."""
        if self._closed:
            raise KitUsageError(f"the harness client for {self.argv!r} is closed")
        if self._session is None:
            session = Session(self._launch(), declared=self._declared)
            start: dict[str, Json] = {"op": "start", "protocol": PROTOCOL_VERSION}
            try:
                timeout = self._call_timeout + START_ALLOWANCE_S
                self._request(session, start, "start", timeout, None, lambda res: self._adopt(session, res))
            except IUTError as exc:
                if not self._kit_adapter:
                    raise
                raise KitError(f"the kit's harness could not start serving the module: {exc}") from exc
            self._session = session
        return self._session

    def _launch(self) -> LineProcess:
        """A fresh harness process; one that cannot start is the kit's misconfiguration, not a FAIL."""
        try:
            return LineProcess(self.argv, name="harness", max_line=MAX_LINE, env=self._env, cwd=self._cwd)
        except CannotStart as exc:
            raise KitUsageError(f"the harness command: {exc}") from exc

    def is_current(self, session: Session) -> bool:
        """Whether ``session`` is still the open one."""
        return session is self._session

    def call(
        self,
        fn: str,
        args: Sequence[object] = (),
        kwargs: Mapping[str, object] | None = None,
        *,
        on: SocketProxy | None = None,
    ) -> Any:
        """Call ``fn`` of the module, or of socket ``on``, in the harness.

        Returns the decoded result or raises what the implementation raised.
        """
        kwargs = kwargs or {}
        allowance = call_allowance(fn, args, kwargs, method=on is not None)
        if on is None:
            session, capability, handle = self.session(), fn, None
        else:
            session, capability, handle = self._owner(on), f"socket.{fn}", on._handle
            allowance += on._allowance
        session.require(capability)
        message: dict[str, Json] = {"op": "call", "fn": fn}
        if handle is not None:
            message["handle"] = handle
        try:
            message["args"] = [encode(arg, self._handle_of) for arg in args]
            if kwargs:
                message["kwargs"] = {key: encode(value, self._handle_of) for key, value in kwargs.items()}
        except CodecError as exc:
            raise KitError(f"the kit cannot send {fn}'s arguments to harness {session.name!r}: {exc}") from None
        what = f"call {describe_call(fn, args, kwargs, handle)}"
        timeout = self._call_timeout + allowance
        return self._request(session, message, what, timeout, capability, lambda res: self._decode(session, what, res))

    def close(self) -> None:
        """Send ``stop`` and wait for the harness to exit by itself, then kill and reap it; always.

        A harness that does not answer ``stop`` with ``null`` and exit with
        status 0 (docs/harness-protocol.md §3) raises ``KitError``: no case is
        left to blame, and the run must not pass over it.
        """
        self._closed = True
        session, self._session = self._session, None
        if session is None:
            return
        try:
            self._request(session, {"op": "stop"}, "stop", self._call_timeout, None, lambda _: None)
        except IUTError as exc:  # the session is discarded already
            raise KitError(f"harness {session.name!r} did not stop as the protocol asks: {exc}") from None
        status = session.process.ended(self._call_timeout)
        if status != 0:
            how = f"exit status {status}" if status is not None else f"no exit within {self._call_timeout:g} s"
            raise KitError(f"harness {session.name!r} answered stop, then {how}; the protocol asks for exit status 0")

    def _request(
        self,
        session: Session,
        message: dict[str, Json],
        what: str,
        timeout: float,
        capability: str | None,
        read_result: Callable[[Json], Any],
    ) -> Any:
        """Send one request and return ``read_result(result)``, or raise what the error response says.

        ``capability`` is ``None`` for ``start`` and ``stop``, whose failure is
        the harness's fault rather than an answer of the socket API.
        """
        request: dict[str, Json] = {"id": next(self._ids), **message}
        line = self._outgoing(request)
        try:
            response = self._parse(session.process.exchange(line, timeout, what), request, what)
            if response["ok"]:
                return read_result(response["result"])
            error = response["error"]
            if capability is None or error["type"] in ("BadRequest", "OtherError"):
                raise _fault(error, what)
        except BaseException as exc:  # a fault, or Ctrl-C mid-request: this session is over
            self._discard(session)
            if isinstance(exc, IUTError) and not exc.stderr:
                exc.stderr = session.process.stderr_tail()
            raise
        if error["type"] == "HarnessError":  # a clean answer: the session goes on
            raise KitError(f"harness {session.name!r} cannot serve {what}: {error['message']}")
        if error["type"] == "Unsupported":
            if session.declared is not None and capability not in session.declared.partial:
                raise KitError(
                    f"harness {session.name!r} answered Unsupported to {what}, a call it lists among its"
                    f" capabilities, and the profile does not declare that it serves it only in part"
                    f' (partial = ["api.{capability}"]): {error["message"]}'
                )
            unsupported(capability, error["message"])
        exception = remote_exception(error)
        exception.add_note(f"raised by harness {session.name!r} in answer to {what}")
        raise exception

    def _outgoing(self, request: dict[str, Json]) -> bytes:
        if self._validator and (problem := self._validator.problem("request", request)):
            raise KitUsageError(f"the kit built a request that violates schema.json: {problem}")
        line = dump_line(request)
        if len(line) > MAX_LINE:
            raise KitUsageError(f"a request of {len(line)} bytes exceeds the protocol's line limit of {MAX_LINE}")
        return line

    def _parse(self, raw: bytes, request: Mapping[str, Json], what: str) -> dict[str, Any]:
        try:
            message = parse_line(raw)
        except ValueError as exc:
            problem = f"a line that is not JSON ({exc})"
            raise IUTProtocolError(f"harness answered {what} with {problem}: {clipped_repr(raw)}") from None
        definition = "startReply" if request["op"] == "start" else "callReply"
        if self._validator and (violation := self._validator.problem(definition, message)):
            problem = f"a message that violates schema.json, {violation}"
            raise IUTProtocolError(f"harness answered {what} with {problem}: {clipped_repr(raw)}")
        ident = request["id"]
        assert isinstance(ident, int)
        if shape := response_problem(message, ident):
            raise IUTProtocolError(f"harness answered {what} with {shape}: {clipped_repr(raw)}")
        assert isinstance(message, dict)
        return message

    def _adopt(self, session: Session, result: Json) -> None:
        """Check the result of ``start`` and take its metadata into ``session``."""
        if problem := metadata_problem(result):
            raise IUTProtocolError(f"harness answered start with {problem}")
        assert isinstance(result, dict)
        if result["protocol"] != PROTOCOL_VERSION:
            spoken = result["protocol"]
            raise IUTProtocolError(f"harness speaks protocol {spoken!r}; this kit speaks {PROTOCOL_VERSION}")
        constants = result["constants"]
        assert isinstance(constants, dict)
        try:
            session.constants = {name: decode(value, _no_handle) for name, value in constants.items()}
        except CodecError as exc:
            raise IUTProtocolError(f"harness answered start with a malformed constant: {exc}") from None
        session.name = str(result["name"])
        session.capabilities = frozenset(result["capabilities"])  # type: ignore[arg-type]  # checked above
        session.metadata = {**result, "constants": session.constants}

    def _decode(self, session: Session, what: str, result: Json) -> Any:
        try:
            return decode(result, lambda handle: self._proxy(session, handle))
        except (CodecError, RecursionError) as exc:
            raise IUTProtocolError(f"harness answered {what} with a malformed value: {exc}") from None

    def _proxy(self, session: Session, handle: int) -> SocketProxy:
        proxy = session.proxies.get(handle)
        if proxy is None:
            proxy = session.proxies[handle] = SocketProxy(self, session, handle)
        return proxy

    def _owner(self, proxy: SocketProxy) -> Session:
        """The session of ``proxy``, which must still be open."""
        if not self.is_current(proxy._session):
            raise IUTError(
                f"{proxy!r} belonged to a harness process that has since ended (after a failure, or when"
                " the client closed); its sockets ended with it"
            )
        return proxy._session

    def _handle_of(self, value: object) -> int | None:
        if not isinstance(value, SocketProxy):
            return None
        self._owner(value)
        return value._handle

    def _discard(self, session: Session) -> None:
        session.process.kill()
        if self._session is session:
            self._session = None

"""The kit's exception tree, split by whose fault a problem is.

    SockspecError
    ├── KitUsageError      the kit was misused: bad option, bad profile, bad data file
    ├── KitError           the kit cannot serve a case: a gap of the kit or of the harness
    └── IUTError           the implementation under test misbehaved
        ├── IUTTimeout     it did not answer within the allowed time
        ├── IUTCrashed     its process died
        │   └── CannotStart  a process could not be started at all
        └── IUTProtocolError  it answered with something the protocol does not allow

Spec code never catches these: a raised ``IUTError`` becomes a FAIL of the
requirement being checked, with the message (and any captured stderr) shown.
A ``KitUsageError`` stops the run with a one-line message and exit code 4,
because a verdict reached by a misconfigured kit would be worthless.  A
``KitError`` ends one case as a KIT ERROR: no verdict, never blamed on the
implementation (sockspec/grading.py).
"""

from __future__ import annotations

__all__ = [
    "CannotStart",
    "IUTCrashed",
    "IUTError",
    "IUTProtocolError",
    "IUTTimeout",
    "KitError",
    "KitUsageError",
    "SockspecError",
]


class SockspecError(Exception):
    """Base of every error the kit raises on purpose."""


class KitUsageError(SockspecError):
    """The kit itself was misused (a wrong option, profile or data file)."""


class KitError(SockspecError):
    """The kit could not do its part of a case, so the case says nothing about the implementation.

    For example the harness serving the API answered ``HarnessError``: it
    cannot carry what the implementation returned.  The fix belongs in the kit
    (or in that harness), so the case is reported as a kit error, neither FAIL
    nor UNSUPPORTED.
    """


class IUTError(SockspecError):
    """The implementation under test misbehaved.

    ``stderr`` keeps the tail of what the IUT wrote to its error stream, so a
    report can show it beside the failure.
    """

    def __init__(self, message: str, *, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr

    def __str__(self) -> str:
        text = super().__str__()
        if self.stderr:
            return f"{text}\n--- stderr of the implementation ---\n{self.stderr.rstrip()}"
        return text

    def summary(self) -> str:
        """The fault in one line, for a one-line error: the message, and the stderr line most likely to say why."""
        message = " ".join(str(self.args[0] if self.args else type(self).__name__).split())
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        telling = [line for line in lines if "error" in line.lower()] or lines
        return f"{message} (stderr: {telling[-1]})" if telling else message


class IUTTimeout(IUTError):
    """The IUT did not answer within the allowed time."""


class IUTCrashed(IUTError):
    """The IUT's process exited while the kit was waiting for it."""


class IUTProtocolError(IUTError):
    """The IUT wrote output that its protocol does not allow."""


class CannotStart(IUTCrashed):
    """A child process could not be started at all; the message names the command and the cause.

    ``sockspec.process`` raises it for every child without knowing whose
    program it is.  It is an ``IUTCrashed`` because most children are the
    implementation's programs, and a program that cannot start is a FAIL, so
    those callers need no conversion.  The kit's own children convert it at
    their one boundary: the harness client into ``KitUsageError`` (a harness
    command that cannot run is a misconfigured kit), the bench into its own
    error, the resolver sandbox's probe into a reason it is unavailable.
    """

"""Assertions that say why: what was checked, what is accepted, what came back.

Every helper records the expected and actual values on the running case, so
the HTML and JSON reports can show them even when the case passes, and raises
``AssertionError`` with a one-line message when the value is not accepted.
Types are compared exactly (``100`` is not ``100.0``, ``1`` is not ``True``):
the tutorial documents the types the API returns, and a harness must keep them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

__all__ = ["attach", "begin_case", "end_case", "expect_equal", "expect_in", "expect_raises", "expect_that", "snapshot"]

T = TypeVar("T")

_records: list[dict[str, str]] | None = None
_transcripts: list[dict[str, str]] | None = None


def begin_case() -> None:
    """Start collecting records for one case (called by the plugin)."""
    global _records, _transcripts
    _records, _transcripts = [], []


def snapshot() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The case's checks and transcripts so far."""
    return list(_records or []), list(_transcripts or [])


def end_case() -> None:
    """Stop collecting (called by the plugin after teardown)."""
    global _records, _transcripts
    _records, _transcripts = None, None


def _record(what: str, expected: str, actual: str) -> None:
    if _records is not None:
        _records.append({"check": what, "expected": expected, "actual": actual})


def attach(title: str, text: str) -> None:
    """Keep a transcript (a command's output, the bytes on the wire) with the case.

    Reports show transcripts beside the verdict, so a failure can be understood
    without rerunning it.
    """
    if _transcripts is not None:
        _transcripts.append({"title": title, "text": text[-20000:]})


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=False))
    return bool(a == b)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def expect_equal(what: str, actual: T, expected: T) -> T:
    """Check that ``actual`` is exactly ``expected`` (same type, same value)."""
    __tracebackhide__ = True
    _record(what, _show(expected), _show(actual))
    if not _same(actual, expected):
        raise AssertionError(f"{what} returned {_show(actual)}; expected {_show(expected)}")
    return actual


def expect_in(what: str, actual: T, accepted: Iterable[T]) -> T:
    """Check that ``actual`` is one of the ``accepted`` values (exact types)."""
    __tracebackhide__ = True
    options = list(accepted)
    shown = "one of " + ", ".join(_show(v) for v in options)
    _record(what, shown, _show(actual))
    if not any(_same(actual, v) for v in options):
        raise AssertionError(f"{what} returned {_show(actual)}; accepted: {shown}")
    return actual


def expect_raises(
    what: str, accepted: Sequence[type[BaseException]], fn: Callable[..., Any], *args: Any
) -> BaseException:
    """Call ``fn(*args)`` and check it raises one of the ``accepted`` classes."""
    __tracebackhide__ = True
    names = " or ".join(cls.__name__ for cls in accepted)
    try:
        result = fn(*args)
    except tuple(accepted) as exc:
        _record(what, f"raises {names}", f"raised {type(exc).__name__}: {exc}")
        return exc
    except Exception as exc:
        _record(what, f"raises {names}", f"raised {type(exc).__name__}: {exc}")
        raise AssertionError(f"{what} raised {type(exc).__name__}: {exc}; expected {names}") from exc
    _record(what, f"raises {names}", f"returned {_show(result)}")
    raise AssertionError(f"{what} returned {_show(result)}; expected it to raise {names}")


def expect_that(what: str, ok: bool, *, expected: str, actual: Any) -> None:
    """Check a condition that no single accepted value describes (e.g. a range)."""
    __tracebackhide__ = True
    _record(what, expected, _show(actual))
    if not ok:
        raise AssertionError(f"{what} was {_show(actual)}; expected {expected}")

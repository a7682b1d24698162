"""argparse ``type=`` converters: bad values become usage errors (exit 2) at parse time."""

from __future__ import annotations

import argparse
import codecs
import math
from collections.abc import Callable


def int_in_range(low: int, high: int, what: str) -> Callable[[str], int]:
    """Build a converter accepting integers in ``low..high``, naming ``what`` on error."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be in {low}..{high}, got {value}")
        return value

    return convert


port_number = int_in_range(0, 65535, "port")
uint32 = int_in_range(0, 2**32 - 1, "value")
buffer_size = int_in_range(1, 2**31 - 1, "buffer size")


def ip4_base(text: str) -> int:
    """The output base of ``ip4-convert``: 2 or 16, as the tutorial offers."""
    if text.strip() not in ("2", "16"):
        raise argparse.ArgumentTypeError(f"base must be 2 or 16, got {text!r}")
    return int(text)


def finite_seconds(text: str) -> float:
    """Any finite number of seconds, e.g. a clock offset, which may be negative."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seconds must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"seconds must be finite, got {text!r}")
    return value


def seconds(text: str) -> float:
    """A duration that may be zero (a zero socket timeout means non-blocking; zero idle means off)."""
    value = finite_seconds(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"seconds must be >= 0, got {text!r}")
    return value


def positive_seconds(text: str) -> float:
    """A client timeout: zero would make every blocking call fail at once."""
    value = finite_seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"seconds must be > 0, got {text!r}")
    return value


def encoding_name(text: str) -> str:
    """A codec name Python knows, checked now rather than at the first decode."""
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {text!r}") from None


def add_timeout_option(parser: argparse.ArgumentParser, default: float) -> None:
    """``--timeout``, the per-operation deadline every client recipe takes (the tutorial's clients lack one)."""
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=default,
        help=f"seconds each socket operation may take (default: {default:g})",
    )

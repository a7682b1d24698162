"""A harness is held to what it promised: its capability list under ``--strict``, and ``stop``.

Without ``declared`` a name the harness withholds, or a call it answers
``Unsupported``, ends the case as UNSUPPORTED.  With it (the kit passes the
profile's ``lacks`` and ``partial`` under ``--strict``) only a declared gap
does; any other is a KIT ERROR naming the call.  A harness that does not
answer ``stop`` with ``null`` and exit with status 0 is a KIT ERROR at close.
"""

from __future__ import annotations

from typing import Any

import pytest

from sockspec.errors import KitError
from sockspec.harness import Declared
from sockspec.outcomes import Unsupported
from tests.harness.test_faults import assert_gone, fake, open_client

__all__ = ["open_client"]  # a fixture, imported to be used here


@pytest.mark.parametrize("declared", [None, Declared(lacks=frozenset({"inet_aton"}))])
def test_a_withheld_name_is_unsupported_unless_strict_finds_it_undeclared(open_client: Any, declared: Any) -> None:
    client = open_client(fake("crash"), declared=declared)
    with pytest.raises(Unsupported, match="inet_aton"):
        client.api.inet_aton("127.0.0.1")


def test_under_strict_an_undeclared_withheld_name_is_a_kit_error(open_client: Any) -> None:
    client = open_client(fake("crash"), declared=Declared(partial=frozenset({"inet_aton"})))
    with pytest.raises(KitError, match=r"does not offer 'inet_aton'.*lacks = \[\"api.inet_aton\"\]"):
        client.api.inet_aton("127.0.0.1")


@pytest.mark.parametrize("declared", [None, Declared(partial=frozenset({"htons"}))])
def test_an_unsupported_answer_is_unsupported_unless_strict_finds_it_undeclared(
    open_client: Any, declared: Any
) -> None:
    client = open_client(fake("crash"), declared=declared)
    with pytest.raises(Unsupported, match="no 16-bit numbers here"):
        client.api.htons(1)


def test_under_strict_an_undeclared_unsupported_answer_is_a_kit_error_naming_the_call(open_client: Any) -> None:
    client = open_client(fake("crash"), declared=Declared(lacks=frozenset({"htons"})))
    client.start()
    pid = client.pid
    with pytest.raises(KitError, match=r"answered Unsupported to call htons\(1\), a call it lists") as caught:
        client.api.htons(1)
    assert 'partial = ["api.htons"]' in str(caught.value)
    assert client.pid == pid  # a clean answer: the session goes on
    assert client.api.htonl(1) == 16777216


def test_declared_takes_the_profile_names_under_api() -> None:
    declared = Declared.of(["api.htons", "api.socket.recv", "program:echo-server", "api"], ["api.socket"])
    assert declared == Declared(frozenset({"htons", "socket.recv"}), frozenset({"socket"}))


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--exit", "1"], "answered stop, then exit status 1; the protocol asks for exit status 0"),
        (["--linger"], "answered stop, then no exit within 2 s"),
        (["--refuse"], "did not stop as the protocol asks: harness answered stop with BadRequest"),
    ],
    ids=["exit-1", "linger", "refuse"],
)
def test_a_harness_that_does_not_stop_as_asked_is_a_kit_error(
    open_client: Any, option: list[str], message: str
) -> None:
    client = open_client(fake("bad_stop", *option))
    assert client.api.htonl is not None  # starts the session
    pid = client.pid
    assert pid is not None
    with pytest.raises(KitError, match="harness 'fake' ") as caught:
        client.close()
    assert message in str(caught.value)
    assert client.pid is None
    assert_gone(pid)


def test_a_harness_that_stops_as_asked_closes_quietly(open_client: Any) -> None:
    client = open_client(fake("bad_stop"))
    client.start()
    pid = client.pid
    assert pid is not None
    client.close()
    assert_gone(pid)


def test_a_bad_stop_does_not_hide_what_ended_the_block() -> None:
    from sockspec.harness import HarnessClient

    with pytest.raises(LookupError), HarnessClient(fake("bad_stop", "--exit", "1")) as client:
        client.start()
        raise LookupError("what the spec raised")

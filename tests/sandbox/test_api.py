"""The kit-side API without creating namespaces: exports, probe reasons, files, usage errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sockspec.sandbox
from sockspec.errors import KitUsageError
from sockspec.sandbox import ResolverSandbox, _sandbox
from sockspec.sandbox.launcher import main

from .conftest import ZONE


def test_exports() -> None:
    assert sockspec.sandbox.__all__ == ["ResolverSandbox"]


def test_hosts_file(tmp_path: Path) -> None:
    sandbox = ResolverSandbox(ZONE, tmp_path, extra_hosts={"db.sockspec.test": "192.0.2.5"})
    lines = [line.split() for line in sandbox.hosts_file.read_text().splitlines() if not line.startswith("#")]
    assert lines[:2] == [["127.0.0.1", "localhost"], ["::1", "localhost"]]
    assert lines[2][0] == "127.0.1.1"  # the machine's own name, as in the tutorial's transcript
    assert lines[3] == ["192.0.2.5", "db.sockspec.test"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"db.test": "not-an-address"}, "does not appear to be an IPv4 or IPv6 address"),
        ({"two words": "192.0.2.5"}, "one word"),
    ],
)
def test_bad_extra_hosts_are_refused(tmp_path: Path, extra: dict[str, str], message: str) -> None:
    with pytest.raises(KitUsageError, match=message):
        ResolverSandbox(ZONE, tmp_path, extra_hosts=extra)


def test_bad_zone_is_refused_at_once(tmp_path: Path) -> None:
    zone = tmp_path / "zone.json"
    zone.write_text('{"ttl": 1}')
    with pytest.raises(KitUsageError, match=r"zone file .*lacks \['names', 'otherwise'\]"):
        ResolverSandbox(zone, tmp_path)


def test_wrap_refuses_when_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sandbox, "_probe", lambda: "namespaces are off today")
    with pytest.raises(KitUsageError, match=r"unavailable here \(namespaces are off today\); check .*grade N/A"):
        ResolverSandbox(ZONE, tmp_path).wrap(["true"])


def test_empty_command_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sandbox, "_probe", lambda: None)
    with pytest.raises(KitUsageError, match="needs a command"):
        ResolverSandbox(ZONE, tmp_path).wrap([])


def test_probe_without_unshare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _sandbox._probe.__wrapped__() == "util-linux's 'unshare' command is not on PATH"


@pytest.fixture
def failing_unshare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``unshare`` that fails the way it does where user namespaces are forbidden."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "unshare"
    fake.write_text("#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.mark.usefixtures("failing_unshare")
def test_probe_passes_on_unshares_complaint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sandbox, "_USERNS_KNOBS", [])
    reason = _sandbox._probe.__wrapped__()
    assert reason == "a trial sandbox failed: unshare: unshare failed: Operation not permitted"


@pytest.mark.usefixtures("failing_unshare")
def test_probe_names_the_sysctl_that_forbids_namespaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    knob = tmp_path / "max_user_namespaces"
    knob.write_text("0\n")
    monkeypatch.setattr(_sandbox, "_USERNS_KNOBS", [(str(knob), "0", False, "user namespaces are disabled")])
    assert _sandbox._probe.__wrapped__() == "user namespaces are disabled"


def test_launcher_needs_a_command() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--zone", str(ZONE), "--hosts", "/dev/null", "--log", "/dev/null"])
    assert exit_info.value.code == 2


def test_launcher_is_importable_without_the_kit_package() -> None:
    """The bootstrap must not pull in sockspec/__init__.py (and with it pytest): it costs every command."""
    code = _sandbox._BOOTSTRAP.replace("sys.exit(main())", "print('pytest' in sys.modules)")
    proc = subprocess.run([sys.executable, "-P", "-c", code, str(_sandbox._KIT_ROOT)], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, "False\n")

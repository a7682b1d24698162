"""The public surface of sockspec.harness is exactly what ``__all__`` pins."""

from __future__ import annotations

import sockspec.harness


def test_all_is_pinned() -> None:
    assert sorted(sockspec.harness.__all__) == [
        "Declared",
        "ERROR_TYPES",
        "HarnessAPI",
        "HarnessClient",
        "MAX_LINE",
        "PROTOCOL_VERSION",
        "SCHEMA_PATH",
        "SocketProxy",
        "load_schema",
    ]


def test_every_export_exists_and_public_names_are_exported() -> None:
    # "@py_builtins", "@pytest_ar": pytest rewrites the asserts of a package that ships a pytest11 plugin.
    public = {name for name in vars(sockspec.harness) if not name.startswith(("_", "@")) and name != "annotations"}
    assert public == set(sockspec.harness.__all__)

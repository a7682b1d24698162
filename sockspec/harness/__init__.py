"""The harness protocol, kit side: an implementation's socket API in any language.

A harness is a program that serves one socket API as newline-delimited JSON
over its stdin and stdout (docs/harness-protocol.md; ``schema.json`` here is
the machine-readable form).  ``HarnessClient`` runs one and offers its API as
an object that spec code calls exactly like the ``socket`` module::

    with HarnessClient([sys.executable, "-m", "sockspec_reference.harness"]) as client:
        api = client.api
        assert api.htonl(1234) == 3523477504
        with api.socket(api.AF_INET, api.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
"""

from __future__ import annotations

from sockspec.harness._api import HarnessAPI, SocketProxy
from sockspec.harness._client import Declared, HarnessClient
from sockspec.harness._protocol import ERROR_TYPES, MAX_LINE, PROTOCOL_VERSION
from sockspec.harness._schema import SCHEMA_PATH, load_schema

__all__ = [
    "ERROR_TYPES",
    "MAX_LINE",
    "PROTOCOL_VERSION",
    "SCHEMA_PATH",
    "Declared",
    "HarnessAPI",
    "HarnessClient",
    "SocketProxy",
    "load_schema",
]

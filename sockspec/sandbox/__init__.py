"""Hermetic name resolution: run a command whose lookups only the kit answers.

``ResolverSandbox`` wraps a command in fresh namespaces where only loopback
exists and a stub DNS server, serving ``specs/data/zone.json``, is the only
resolver.  Where namespaces cannot be created, ``unavailable_reason()`` says
why, and specs that need the sandbox are N/A: the kit never falls back to the
real resolver.
"""

from __future__ import annotations

from ._sandbox import ResolverSandbox as ResolverSandbox

__all__ = ["ResolverSandbox"]

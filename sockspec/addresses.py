"""The one address the kit's servers, peers and probes use: IPv4 loopback.

Every test sends traffic only to this machine (docs/architecture.md), so the
kit names the address once; fakes in tests/ are independent programs and
keep their own.
"""

from __future__ import annotations

__all__ = ["LOOPBACK"]

LOOPBACK = "127.0.0.1"

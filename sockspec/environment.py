"""Facts about the machine a verdict was reached on.

Many requirements accept several behaviours because libc, kernel and Python
differ; a report is only comparable with another if it names all three.
"""

from __future__ import annotations

import platform
import sys

from sockspec.implementation import Implementation

__all__ = ["environment"]


def _libc() -> str:
    name, version = platform.libc_ver()
    return f"{name} {version}".strip() or "unknown"


def environment(impl: Implementation) -> dict[str, str]:
    """Ordered label -> value pairs for the report's environment table."""
    uname = platform.uname()
    return {
        "Implementation": f"{impl.name} {impl.version}".strip(),
        "Profile": impl.source,
        "API provider": impl.api_description(),
        "Programs": " ".join(impl.programs),
        "Python": f"{sys.implementation.name} {platform.python_version()}",
        "OS": platform.platform(),
        "Kernel": f"{uname.system} {uname.release}",
        "libc": _libc(),
        "Byte order": sys.byteorder,
    }

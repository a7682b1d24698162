"""``python -m sockspec``: the same command as ``sockspec`` (sockspec/cli/)."""

from __future__ import annotations

import sys

from sockspec.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())

"""Entry point: ``python -m reference <recipe> [args]``."""

from __future__ import annotations

from reference._cli import main

if __name__ == "__main__":
    raise SystemExit(main())

"""Entry point: ``python -m sockspec_reference <recipe> [args]``."""

from __future__ import annotations

from sockspec_reference._cli import main

if __name__ == "__main__":
    raise SystemExit(main())

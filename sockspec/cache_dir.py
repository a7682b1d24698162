"""One pytest cache per implementation, so ``--lf`` and ``--ff`` replay that implementation's failures.

Node IDs do not name the implementation under test: without this, a run of
one implementation with ``--lf`` would select the cases another one failed.
Each implementation gets ``<cache_dir>/sockspec/<name>`` (its name is safe
for a file name: the profile schema and ``profiles._shorthand_name`` see to
it).  pytest reads ``cache_dir`` once, when its cache plugin configures;
the kit's ``pytest_configure`` runs before that (both are ``tryfirst`` and
the kit's registers later), and pytest offers no public way to set an ini
value there, hence the one write to its ini cache.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["separate"]


def separate(config: pytest.Config, implementation: str) -> None:
    """Point pytest's cache at this implementation's own folder."""
    if not config.pluginmanager.hasplugin("cacheprovider"):
        return
    base = config.getini("cache_dir")
    config._inicache["cache_dir"] = os.path.join(base, "sockspec", implementation)

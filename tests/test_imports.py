"""The package root and the model modules load no pytest: only the plugin side does."""

from __future__ import annotations

import subprocess
import sys

import sockspec

MODEL = ["sockspec", "sockspec.errors", "sockspec.requirements", "sockspec.verdicts", "sockspec.citations"]


def test_model_modules_import_no_pytest() -> None:
    code = f"import sys, {', '.join(MODEL)}; assert 'pytest' not in sys.modules, 'pytest was imported'"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_spec_helpers_still_come_from_the_root() -> None:
    for name in sockspec.__all__:
        assert callable(getattr(sockspec, name)), name
    assert set(sockspec.__all__) <= set(dir(sockspec))

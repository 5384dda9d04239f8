"""Locust monkey-patches the process it is imported in with gevent: the pure modules must not import it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from locustfiles.settings import REPO

PURE = [
    "badinputs", "collector", "command", "master_api", "oip", "payloads", "photos", "ramp", "remote",
    "remote_files", "remote_plan", "report", "run", "selection", "settings", "shapes", "summary", "validation",
    "web", "worker",
]  # fmt: skip


@pytest.mark.integration  # imports in a fresh interpreter
def test_the_pure_modules_import_neither_locust_nor_gevent() -> None:
    imports = "; ".join(f"import locustfiles.{name}" for name in PURE)
    check = (
        "import sys; leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('locust', 'gevent')); print(leaked)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"{imports}; {check}"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_this_test_process_has_not_imported_locust() -> None:
    # gevent itself may be here: tritonclient's tests import it (without patching anything).
    assert "locust" not in sys.modules

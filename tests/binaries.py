"""Debian's binaries that some tests run (`.ci/run` installs their packages): found, or skipped, or failed in CI.

On a developer's machine without the package the test is skipped with the install line; in CI (CI set)
a missing binary is a failure, so a broken install step cannot pass as green.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def debian_binary(name: str, package: str) -> Path:
    found = shutil.which(name)
    if found:
        return Path(found)
    if os.environ.get("CI"):
        pytest.fail(f"`{name}` is missing: .ci/run should install Debian's {package} package")
    pytest.skip(f"no `{name}` on PATH (apt-get install {package})")

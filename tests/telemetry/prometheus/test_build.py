"""The committed configs and rules are what the code generates (regenerate: python -m telemetry.prometheus)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from telemetry.generated import stale
from telemetry.prometheus.build import generated_files
from tests.live import REPO


def test_the_committed_files_equal_the_generated_ones() -> None:
    assert not stale(generated_files()), "out of date: run `python -m telemetry.prometheus`"


@pytest.mark.integration  # runs python -m telemetry.prometheus
def test_the_generator_checks_from_the_command_line() -> None:
    command = [sys.executable, "-m", "telemetry.prometheus", "--check"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

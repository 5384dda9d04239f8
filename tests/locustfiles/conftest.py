"""Fixtures of the load tests' unit tests: settings that ignore the shell's INFERLAB_LOAD_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from locustfiles.settings import ENV_PREFIX, LoadSettings

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's exported INFERLAB_LOAD_USERS must not change what these tests expect."""
    import os

    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            monkeypatch.delenv(name)


@pytest.fixture
def settings() -> LoadSettings:
    return LoadSettings(host="http://127.0.0.1:9", users=4, max_p95_ms=500, max_failure_ratio=0.01)

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import write_tiny_classifier

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny_model_path(tmp_path: Path) -> Path:
    return write_tiny_classifier(tmp_path)

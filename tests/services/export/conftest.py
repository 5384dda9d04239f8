"""Photos for the export's tests: the lab's own samples stand in for the packages' ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def two_photos() -> dict[str, Image.Image]:
    """Two of the lab's sample photos in place of the packages' ones."""
    return {name: Image.open(REPO / "samples" / name).convert("RGB") for name in ("cat.jpg", "summer-palace.jpg")}

from __future__ import annotations

import json
from pathlib import Path

from ui.samples import load_samples
from ui.settings import REPO


def test_the_shipped_samples_are_listed_with_captions() -> None:
    samples = load_samples(REPO / "samples")
    assert "cat.jpg" in [s.name for s in samples]
    assert all(s.path.is_file() and s.caption for s in samples)


def test_listed_files_that_are_missing_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "here.png").write_bytes(b"x")
    (tmp_path / "samples.json").write_text(json.dumps({"here.png": {"caption": "c"}, "gone.png": {}}))
    assert [s.name for s in load_samples(tmp_path)] == ["here.png"]


def test_no_index_means_no_samples(tmp_path: Path) -> None:
    assert load_samples(tmp_path) == []

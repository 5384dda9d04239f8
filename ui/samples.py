"""The sample photos shipped in `samples/`, listed by `samples.json` with a caption each."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sample:
    path: Path
    caption: str

    @property
    def name(self) -> str:
        return self.path.name


def load_samples(directory: Path) -> list[Sample]:
    """The listed samples that exist; a missing folder or index gives none (the page hides the row)."""
    index = directory / "samples.json"
    try:
        entries = json.loads(index.read_text())
    except (OSError, ValueError) as exc:
        log.warning("no sample photos: %s", exc)
        return []
    samples = [Sample(directory / name, entry.get("caption", name)) for name, entry in entries.items()]
    return [sample for sample in samples if sample.path.is_file()]

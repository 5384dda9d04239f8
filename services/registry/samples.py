"""The labelled sample set (`samples/labels.json`): photos, each with every ImageNet label right for it.

Both the registration metrics (in-process) and the canary (through the service) score against it,
so the two figures are comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from services.registry.errors import RegistryError


@dataclass(frozen=True)
class LabelledPhoto:
    name: str
    data: bytes
    labels: frozenset[str]

    def is_right(self, label: str) -> bool:
        return label in self.labels


def load_labelled(labels_file: Path) -> list[LabelledPhoto]:
    """The photos listed in `labels_file` (keys starting with `_` are comments), read from its folder."""
    try:
        entries = json.loads(labels_file.read_text())
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the labelled sample set {labels_file}: {exc}") from exc
    photos = [_photo(labels_file.parent, name, labels) for name, labels in entries.items() if not name.startswith("_")]
    if not photos:
        raise RegistryError(f"{labels_file} labels no photo")
    return photos


def _photo(folder: Path, name: str, labels: list[str]) -> LabelledPhoto:
    if not labels:
        raise RegistryError(f"{folder / name}: no acceptable label given")
    path = folder / name
    if not path.is_file():
        raise RegistryError(f"{path} is labelled but missing")
    return LabelledPhoto(name, path.read_bytes(), frozenset(labels))

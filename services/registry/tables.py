"""The sample-prediction table of a registration, as CSV (an artifact) and Markdown (in the model card)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.registry.evaluation import Prediction
from services.registry.samples import LabelledPhoto

COLUMNS = ("photo", "acceptable labels", "top-1", "score", "right", "top-5", "champion's top-1", "agrees")


@dataclass(frozen=True)
class Row:
    photo: LabelledPhoto
    prediction: Prediction
    champion: str | None  # the champion's top-1 label, when there is a champion

    def cells(self) -> tuple[str, ...]:
        label = self.prediction.label
        top5 = "; ".join(f"{c.label} {c.score:.3f}" for c in self.prediction.top)
        champion = (self.champion, "yes" if self.champion == label else "no") if self.champion else ("", "")
        right = "yes" if self.photo.is_right(label) else "no"
        acceptable = "; ".join(sorted(self.photo.labels))
        return (self.photo.name, acceptable, label, f"{self.prediction.score:.3f}", right, top5, *champion)


def rows(
    photos: Sequence[LabelledPhoto], predictions: Sequence[Prediction], champion: Mapping[str, str] | None
) -> list[Row]:
    return [
        Row(photo, prediction, champion.get(photo.name) if champion else None)
        for photo, prediction in zip(photos, predictions, strict=True)
    ]


def to_csv(table: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in table)
    return buffer.getvalue()


def to_markdown(table: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in table]
    return "\n".join(lines) + "\n"

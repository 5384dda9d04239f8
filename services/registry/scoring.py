"""Pure scores over top-1 answers keyed by photo name: accuracy, agreement, latency quantiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from services.registry.samples import LabelledPhoto


def top1_accuracy(answers: Mapping[str, str], photos: Sequence[LabelledPhoto]) -> float:
    """Share of the photos whose top-1 label is one of theirs; a photo without an answer counts as wrong."""
    return sum(photo.is_right(answers.get(photo.name, "")) for photo in photos) / len(photos)


def agreement(answers: Mapping[str, str], reference: Mapping[str, str]) -> float:
    """Share of the reference's photos on which both gave the same top-1 label."""
    return sum(answers.get(name) == label for name, label in reference.items()) / len(reference)


def quantiles(values: Sequence[float], levels: Sequence[float]) -> dict[float, float]:
    """Linear-interpolated quantiles, e.g. levels (0.5, 0.95) -> {0.5: p50, 0.95: p95}."""
    return dict(zip(levels, np.quantile(np.asarray(values, dtype=float), levels).tolist(), strict=True))


@dataclass(frozen=True)
class Scores:
    """A registration's metrics: accuracy on the labelled set, and agreement with the champion if any."""

    accuracy: float
    photos: int
    agreement: float | None = None
    champion_version: str | None = None

    def metrics(self) -> dict[str, float]:
        metrics = {"top1_accuracy": self.accuracy, "labelled_photos": float(self.photos)}
        if self.agreement is not None:
            metrics["top1_agreement_with_champion"] = self.agreement
        return metrics

    def summary(self) -> str:
        text = f"top-1 accuracy {self.accuracy:.0%} on {self.photos} labelled photos"
        if self.agreement is not None:
            text += f", top-1 agreement {self.agreement:.0%} with champion v{self.champion_version}"
        return text

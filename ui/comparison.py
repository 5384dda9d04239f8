"""Two answers for the same image, side by side: do their top-1 agree, and how far apart are the scores."""

from __future__ import annotations

from dataclasses import dataclass

from ui.client import PredictResult


@dataclass(frozen=True)
class ScoreDelta:
    """A label in either top-k; a score is None where that model did not rank the label in its top k."""

    label: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


@dataclass(frozen=True)
class Comparison:
    top1_agree: bool
    deltas: list[ScoreDelta]


def compare(a: PredictResult, b: PredictResult) -> Comparison:
    """Labels in A's order first, then those only B ranked; deltas are B minus A."""
    scores_a = {p.label: p.score for p in a.predictions}
    scores_b = {p.label: p.score for p in b.predictions}
    labels = list(scores_a) + [label for label in scores_b if label not in scores_a]
    agree = a.top is not None and b.top is not None and a.top.label == b.top.label
    return Comparison(agree, [ScoreDelta(label, scores_a.get(label), scores_b.get(label)) for label in labels])

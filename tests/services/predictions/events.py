"""Prediction events for the tests, made from plain values as the service makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.predictions.event import PredictionEvent, Ranked, new_prediction_id
from tests.fixtures import TINY_LABELS

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)  # recent: within any retention


def event(
    label: str = "red", score: float = 0.9, *, version: str = "1", seconds: float = 0, **values
) -> PredictionEvent:
    index = TINY_LABELS.index(label)
    others = [Ranked(name, i, (1 - score) / 3) for i, name in enumerate(TINY_LABELS) if i != index]
    return PredictionEvent(
        id=new_prediction_id(),
        model="tiny",
        version=version,
        route="v1",
        top_k=[Ranked(label, index, score), *others[:2]],
        entropy=0.5,
        width=32,
        height=24,
        format="PNG",
        signals={"brightness": 0.5},
        timings={"inference": 0.001},
        created_at=values.pop("created_at", T0 + timedelta(seconds=seconds)),
        **values,
    )

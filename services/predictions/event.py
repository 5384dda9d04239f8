"""What one prediction leaves behind: plain values, so that the log knows nothing of the service's objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np


def new_prediction_id() -> str:
    """A random UUID: made before the answer is sent, so the answer can carry it."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Ranked:
    label: str
    index: int
    score: float


@dataclass(frozen=True)
class ShadowAnswer:
    """What the challenger said about the same image (when it was shadowed)."""

    model: str
    version: str
    label: str
    index: int
    score: float


@dataclass(frozen=True)
class ShadowOutcome:
    """The challenger's answer to a prediction already recorded: the shadow finishes after the answer."""

    prediction_id: str
    answer: ShadowAnswer


@dataclass(kw_only=True)
class PredictionEvent:
    id: str = field(default_factory=new_prediction_id)
    model: str
    version: str
    route: str
    """Which API answered: "v1" or "v2"."""
    top_k: list[Ranked]
    entropy: float
    alias: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    signals: dict[str, float] = field(default_factory=dict)
    """The drift signals measured on the input (brightness, contrast, aspect ratio)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per pipeline stage."""
    request_id: str | None = None
    shadow: ShadowAnswer | None = None
    image: bytes | None = None
    """The encoded image: the writer reads its format (from its first bytes), and makes the thumbnail from it
    when there is no `view`; then it is let go."""
    view: np.ndarray | None = None
    """The model's view of the image (its input crop, HWC uint8 pixels, already decoded): the writer makes
    the thumbnail from it, off the hot path and with no second decode, then lets it go."""
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    thumbnail: bytes | None = None

    @property
    def label(self) -> str:
        return self.top_k[0].label

    @property
    def class_index(self) -> int:
        return self.top_k[0].index

    @property
    def confidence(self) -> float:
        return self.top_k[0].score

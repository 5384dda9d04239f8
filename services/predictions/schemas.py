"""Bodies of the prediction log's routes (msgspec structs: documented in OpenAPI, fast to encode)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import Struct


class ErrorBody(Struct):
    error: str
    """What was wrong, in words."""


class FeedbackRequest(Struct, forbid_unknown_fields=True):
    """The right class, by name or by index (one of the two)."""

    label: str | None = None
    index: int | None = None


class Ranked(Struct):
    label: str
    index: int
    score: float


class Feedback(Struct):
    label: str
    index: int | None
    correct: bool
    """Whether the model's top-1 was this class."""
    received_at: datetime | None = None


class Prediction(Struct):
    id: str
    created_at: datetime
    model: str
    version: str
    alias: str | None
    route: str
    label: str
    index: int
    confidence: float
    entropy: float
    top_k: list[Ranked]
    width: int | None
    height: int | None
    format: str | None
    signals: dict[str, float]
    timings_ms: dict[str, float]
    request_id: str | None
    shadow: dict[str, Any] | None
    thumbnail_url: str | None
    """Where the thumbnail is (a JPEG), or null when none was kept."""
    feedback: Feedback | None

    @classmethod
    def from_row(cls, row: dict) -> Prediction:
        feedback = None
        if row["feedback_label"] is not None:
            feedback = Feedback(row["feedback_label"], row["feedback_index"], row["feedback_correct"],
                                row.get("feedback_at"))  # fmt: skip
        return cls(
            id=row["id"], created_at=row["created_at"], model=row["model"], version=row["version"],
            alias=row["alias"], route=row["route"], label=row["label"], index=row["class_index"],
            confidence=row["confidence"], entropy=row["entropy"], top_k=[Ranked(**r) for r in row["top_k"]],
            width=row["width"], height=row["height"], format=row["format"], signals=row["signals"],
            timings_ms={stage: round(s * 1000, 3) for stage, s in row["timings"].items()},
            request_id=row["request_id"], shadow=row["shadow"],
            thumbnail_url=f"/v1/predictions/{row['id']}/thumbnail" if row["has_thumbnail"] else None,
            feedback=feedback,
        )  # fmt: skip


class PredictionPage(Struct):
    predictions: list[Prediction]
    next_cursor: str | None
    """Pass as `cursor` for the next (older) page; null on the last."""


class FeedbackResponse(Struct):
    prediction: Prediction
    replaced: bool
    """True when this answer replaced an earlier one."""


class ClassList(Struct):
    model: str
    version: str
    classes: list[str]
    """Empty when the version is no longer served (feedback then takes any label as given)."""

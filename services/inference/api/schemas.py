"""Response bodies of the v1 API (msgspec structs: fast to encode, and documented in OpenAPI)."""

from __future__ import annotations

from msgspec import Struct

from services.inference import pipeline


class Prediction(Struct):
    label: str
    index: int
    score: float


class ImageInfo(Struct):
    width: int
    height: int


class PredictResponse(Struct, omit_defaults=True):
    model: str
    version: str
    predictions: list[Prediction]
    timings_ms: dict[str, float]
    """Milliseconds per stage: queue, decode, preprocess, inference, postprocess, total."""
    image: ImageInfo
    batch_size: int
    id: str | None = None
    """The prediction's id in the log (`POST /v1/predictions/{id}/feedback`); absent when the log is off."""

    @classmethod
    def from_prediction(cls, result: pipeline.Prediction, prediction_id: str | None = None) -> PredictResponse:
        return cls(
            model=result.model,
            version=result.version,
            predictions=[Prediction(p.label, p.index, round(p.score, 6)) for p in result.predictions],
            timings_ms={stage: round(s * 1000, 3) for stage, s in result.timings.items()},
            image=ImageInfo(result.image.width, result.image.height),
            batch_size=result.batch_size,
            id=prediction_id,
        )


class BatchItem(Struct, omit_defaults=True):
    filename: str | None
    status: int
    result: PredictResponse | None = None
    error: str | None = None


class BatchResponse(Struct):
    results: list[BatchItem]


class ModelInfo(Struct):
    name: str
    version: str
    alias: str | None
    """The registry alias it is served under (champion, challenger), or null for a file."""
    ready: bool
    classes: int
    input_shape: list[int]
    default: bool


class ModelList(Struct):
    models: list[ModelInfo]

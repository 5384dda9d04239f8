"""The one place the service hands a finished prediction to the prediction log, as plain values."""

from __future__ import annotations

from litestar import Request

from services.inference.dataplane import Classification, DataPlane
from services.predictions.event import PredictionEvent, Ranked
from services.predictions.log import PredictionLog

REQUEST_ID = "x-request-id"
MAX_REQUEST_ID = 200  # a client's header, kept bounded in the log


def record(
    dataplane: DataPlane,
    log: PredictionLog | None,
    result: Classification,
    *,
    route: str,
    request: Request,
    image: bytes,
) -> str | None:
    """Log one answered image; its prediction id, or None when the log is off."""
    if log is None:
        return None
    event = PredictionEvent(
        model=result.model,
        version=result.version,
        alias=_alias(dataplane, result),
        route=route,
        top_k=[Ranked(p.label, p.index, p.score) for p in result.predictions],
        entropy=result.entropy,
        width=result.image.width,
        height=result.image.height,
        signals={
            "brightness": result.image.brightness,
            "contrast": result.image.contrast,
            "aspect_ratio": result.image.aspect_ratio,
        },
        timings=dict(result.timings),
        request_id=(request.headers.get(REQUEST_ID) or "")[:MAX_REQUEST_ID] or None,
        image=image,
    )
    log.record(event)
    return event.id


def _alias(dataplane: DataPlane, result: Classification) -> str | None:
    try:
        return dataplane.model(result.model, result.version).alias
    except Exception:  # the version left the repository since it answered (a promote)
        return None

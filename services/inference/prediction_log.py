"""Where the service hands finished predictions to the prediction log, as plain values.

The controllers record each answered image (they know the route, the client's request id and the bytes);
`ShadowRecorder`, one of the service's observers, adds the challenger's answer to the same prediction once
the shadow has run.
"""

from __future__ import annotations

from services.inference.dataplane import DataPlane
from services.inference.errors import InferlabError
from services.inference.pipeline import Prediction
from services.predictions.event import PredictionEvent, Ranked, ShadowAnswer
from services.predictions.log import PredictionLog

REQUEST_ID = "x-request-id"  # the header of the client's own id for its request
MAX_REQUEST_ID = 200  # a client's value, kept bounded in the log


def request_id(*candidates: object) -> str | None:
    """The client's id for its request: the first string of `candidates` (`X-Request-ID`, then v2's `id`)."""
    given = next((c for c in candidates if isinstance(c, str) and c), None)
    return given[:MAX_REQUEST_ID] if given else None


def record(
    log: PredictionLog,
    dataplane: DataPlane,
    result: Prediction,
    *,
    route: str,
    request_id: str | None,
    image: bytes | None,
) -> str:
    """Log one answered image (`image` None for a tensor sent ready-made); its prediction id."""
    stats = result.image
    signals = {}
    if stats is not None:
        signals = {"brightness": stats.brightness, "contrast": stats.contrast, "aspect_ratio": stats.aspect_ratio}
    log.record(PredictionEvent(
        id=result.id,
        model=result.model,
        version=result.version,
        alias=_alias(dataplane, result),
        route=route,
        top_k=[Ranked(p.label, p.index, p.score) for p in result.predictions],
        entropy=result.entropy,
        width=stats.width if stats else None,
        height=stats.height if stats else None,
        signals=signals,
        timings=dict(result.timings),
        request_id=request_id,
        image=image,
        view=result.view,
    ))  # fmt: skip
    return result.id


def _alias(dataplane: DataPlane, result: Prediction) -> str | None:
    try:
        return dataplane.model(result.model, result.version).alias
    except InferlabError:  # the version left the repository since it answered (a promote)
        return None


class ShadowRecorder:
    """The observer that adds the challenger's answer to the logged prediction it shadowed."""

    def __init__(self, log: PredictionLog) -> None:
        self._log = log

    def predicted(self, prediction: Prediction) -> None:
        pass

    def failed(self, error_type: str) -> None:
        pass

    def shadowed(self, primary: Prediction, shadow: Prediction) -> None:
        top = shadow.predictions[0]
        self._log.record_shadow(primary.id, ShadowAnswer(shadow.model, shadow.version, top.label, top.index, top.score))

    def swapped(self, alias: str, outcome: str) -> None:
        pass

    def registry_error(self) -> None:
        pass

"""The UI's only way to the inference service: its HTTP API, through one `httpx.AsyncClient`.

The `httpx.AsyncClient` is made when the app starts and closed when it stops (see `backends.py`);
every failure comes out as an `ApiError` with a message for people (see `errors.py`), never as a traceback.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

import httpx

from ui import errors
from ui.errors import ApiError


class Readiness(enum.Enum):
    READY = "service ready"
    NOT_READY = "service not ready"
    DOWN = "service down"


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float


@dataclass(frozen=True)
class PredictResult:
    """One answer of `POST /v1/predict`, plus the round trip the UI measured around it."""

    model: str
    version: str
    predictions: list[Prediction]
    timings_ms: dict[str, float]
    width: int
    height: int
    round_trip_ms: float
    id: str | None = None
    """The prediction's id in the service's log (None when the log is off): what feedback names."""

    @property
    def top(self) -> Prediction | None:
        return self.predictions[0] if self.predictions else None


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    ready: bool
    default: bool
    alias: str | None = None
    """champion / challenger when the service follows a registry; None for a plain file."""

    @property
    def key(self) -> str:
        return f"{self.name}:{self.version}"


class ServiceClient:
    """`GET /v2/health/ready`, `GET /v1/models` and `POST /v1/predict`, failures as `ApiError`."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._http = http

    async def readiness(self) -> Readiness:
        try:
            response = await self._http.get(f"{self.base_url}/v2/health/ready", timeout=min(self.timeout_s, 2.0))
        except httpx.TransportError:
            return Readiness.DOWN
        return Readiness.READY if response.status_code == 200 else Readiness.NOT_READY

    async def models(self) -> list[ModelInfo]:
        body = await self._call("GET", "/v1/models")
        try:
            return [
                ModelInfo(m["name"], m["version"], m["ready"], m["default"], m.get("alias")) for m in body["models"]
            ]
        except (KeyError, TypeError) as exc:
            raise ApiError("Unexpected answer", f"/v1/models lacks {exc}.") from None

    async def predict(
        self, image: bytes, filename: str, *, top_k: int, model: ModelInfo | None = None
    ) -> PredictResult:
        params: dict[str, str | int] = {"top_k": top_k}
        if model is not None:
            params |= {"model": model.name, "version": model.version}
        started = time.perf_counter()
        body = await self._call("POST", "/v1/predict", params=params, files={"file": (filename, image)})
        return _predict_result(body, (time.perf_counter() - started) * 1000)

    async def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = await self._http.request(method, self.base_url + path, timeout=self.timeout_s, **kwargs)
        except httpx.TransportError as exc:
            raise errors.from_transport(exc, self.base_url, self.timeout_s) from None
        if response.is_error:
            raise errors.from_response(response)
        try:
            body = response.json()
        except ValueError:
            raise errors.from_body(response) from None
        if not isinstance(body, dict):
            raise errors.from_body(response)
        return body


def _predict_result(body: dict, round_trip_ms: float) -> PredictResult:
    try:
        return PredictResult(
            model=body["model"],
            version=body["version"],
            predictions=[Prediction(p["label"], float(p["score"])) for p in body["predictions"]],
            timings_ms={stage: float(ms) for stage, ms in body.get("timings_ms", {}).items()},
            width=body["image"]["width"],
            height=body["image"]["height"],
            round_trip_ms=round_trip_ms,
            id=body.get("id"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError("Unexpected answer", f"/v1/predict lacks {exc}.") from None

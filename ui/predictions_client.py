"""The prediction log as the UI reads it: `GET /v1/predictions`, a thumbnail, the classes, and feedback."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import httpx

from ui import errors
from ui.client import ServiceClient
from ui.errors import ApiError


@dataclass(frozen=True)
class Filters:
    model: str | None = None
    version: str | None = None
    label: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    feedback: bool | None = None

    def params(self) -> dict[str, str]:
        values = {name: value for name, value in vars(self).items() if value not in (None, "")}
        return {name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in values.items()}


@dataclass
class Logged:
    """One logged prediction, and what a person said of it."""

    id: str
    model: str
    version: str
    label: str
    confidence: float
    created_at: str
    has_thumbnail: bool
    feedback_label: str | None = None
    feedback_correct: bool | None = None
    thumbnail: str | None = None  # a data URL, once fetched


@dataclass
class Page:
    predictions: list[Logged] = field(default_factory=list)
    next_cursor: str | None = None


class PredictionLogClient(ServiceClient):
    async def page(self, filters: Filters, cursor: str | None = None, limit: int = 24) -> Page:
        params = {**filters.params(), "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        body = await self._call("GET", "/v1/predictions", params=params)
        try:
            return Page([_logged(p) for p in body["predictions"]], body["next_cursor"])
        except (KeyError, TypeError) as exc:
            raise ApiError("Unexpected answer", f"/v1/predictions lacks {exc}.") from None

    async def thumbnail(self, prediction_id: str) -> str | None:
        """The thumbnail as a data URL (the browser may not reach the service itself), or None."""
        try:
            response = await self._http.get(f"{self.base_url}/v1/predictions/{prediction_id}/thumbnail")
        except httpx.TransportError:
            return None
        if response.status_code != 200:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(response.content).decode()

    async def classes(self, prediction_id: str) -> list[str]:
        body = await self._call("GET", f"/v1/predictions/{prediction_id}/classes")
        return list(body.get("classes") or [])

    async def feedback(self, prediction_id: str, label: str) -> Logged:
        """Say `label` was the right class; the prediction with its verdict."""
        body = await self._call("POST", f"/v1/predictions/{prediction_id}/feedback", json={"label": label})
        try:
            return _logged(body["prediction"])
        except (KeyError, TypeError) as exc:
            raise errors.ApiError("Unexpected answer", f"feedback lacks {exc}.") from None


def _logged(p: dict) -> Logged:
    feedback = p.get("feedback") or {}
    return Logged(
        p["id"], p["model"], p["version"], p["label"], float(p["confidence"]), p["created_at"],
        p.get("thumbnail_url") is not None, feedback.get("label"), feedback.get("correct"),
    )  # fmt: skip

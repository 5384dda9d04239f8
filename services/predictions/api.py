"""The prediction log's HTTP routes: list, one prediction, its thumbnail, and feedback.

`prediction_routes(log)` gives a router bound to the log it is handed; handlers only translate, and the
log's errors become `{"error": ...}` with their status here (503 with Retry-After when the database is down).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, MediaType, Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from services.predictions.errors import LogUnavailable, PredictionLogError
from services.predictions.log import PredictionLog
from services.predictions.queries import Filters
from services.predictions.schemas import (
    ClassList,
    ErrorBody,
    FeedbackRequest,
    FeedbackResponse,
    Prediction,
    PredictionPage,
)

WHY = {
    400: "Bad feedback (a class the model does not have, neither or both of label and index) or a bad cursor.",
    404: "No prediction of that id in the log.",
    503: "The log's database does not answer (with Retry-After).",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    return {status: ResponseSpec(data_container=ErrorBody, description=WHY[status]) for status in statuses}


def handle_log_error(_: Request, exc: PredictionLogError) -> Response:
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, LogUnavailable) else None
    return Response({"error": exc.message}, status_code=exc.status_code, headers=headers, media_type=MediaType.JSON)


def handle_validation(_: Request, exc: ValidationException) -> Response:
    problems = [f"{p.get('key')}: {p.get('message')}" for p in exc.extra or [] if isinstance(p, dict)]
    message = f"{exc.detail}: {'; '.join(problems)}" if problems else exc.detail
    return Response({"error": message}, status_code=400, media_type=MediaType.JSON)


Log = NamedDependency[PredictionLog]
PredictionId = FromPath[str]
Confidence = Annotated[float | None, Parameter(ge=0, le=1, description="Top-1 score bound, 0 to 1.")]


class PredictionsController(Controller):
    path = "/v1/predictions"
    tags = ["v1: prediction log"]

    @get("/", sync_to_thread=True, responses=errors(400, 503))
    def list_predictions(
        self,
        predictions: Log,
        model: FromQuery[str | None] = None,
        version: FromQuery[str | None] = None,
        label: Annotated[str | None, Parameter(description="The predicted top-1 class.")] = None,
        min_confidence: Confidence = None,
        max_confidence: Confidence = None,
        feedback: Annotated[bool | None, Parameter(description="Only those with (true) or without feedback.")] = None,
        since: FromQuery[datetime | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Parameter(description="`next_cursor` of the page before.")] = None,
    ) -> PredictionPage:
        """The logged predictions, newest first, filtered, a page at a time."""
        filters = Filters(model, version, label, min_confidence, max_confidence, feedback, since)
        rows, next_cursor = predictions.list(filters, limit, cursor)
        return PredictionPage([Prediction.from_row(r) for r in rows], next_cursor)

    @get("/{prediction_id:str}", sync_to_thread=True, responses=errors(404, 503))
    def prediction(self, predictions: Log, prediction_id: PredictionId) -> Prediction:
        """One prediction, with its feedback if any."""
        return Prediction.from_row(predictions.get(prediction_id))

    @get("/{prediction_id:str}/thumbnail", sync_to_thread=True, media_type="image/jpeg", responses=errors(404, 503))
    def thumbnail(self, predictions: Log, prediction_id: PredictionId) -> bytes:
        """The small JPEG kept of the image."""
        return predictions.thumbnail(prediction_id)

    @get("/{prediction_id:str}/classes", sync_to_thread=True, responses=errors(404, 503))
    def classes(self, predictions: Log, prediction_id: PredictionId) -> ClassList:
        """The classes feedback may name for this prediction: its model version's, in index order."""
        row = predictions.get(prediction_id)
        return ClassList(row["model"], row["version"], list(predictions.labels(row["model"], row["version"]) or []))

    @post("/{prediction_id:str}/feedback", status_code=200, sync_to_thread=True, responses=errors(400, 404, 503))
    def feedback(
        self, predictions: Log, prediction_id: PredictionId, data: JSONBody[FeedbackRequest]
    ) -> FeedbackResponse:
        """Say what the right class was; a second answer replaces the first (`replaced` says so)."""
        row, replaced = predictions.feedback(prediction_id, data.label, data.index)
        return FeedbackResponse(Prediction.from_row(row), replaced)


def prediction_routes(log: PredictionLog) -> Router:
    return Router(
        path="/",
        route_handlers=[PredictionsController],
        dependencies={"predictions": Provide(lambda: log, sync_to_thread=False)},
        exception_handlers={PredictionLogError: handle_log_error, ValidationException: handle_validation},
    )

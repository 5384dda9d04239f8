"""The simple upload API: `POST /v1/predict`, `POST /v1/predict/batch`, `GET /v1/models`."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter

from services.inference import pipeline
from services.inference.api.openapi import error_responses
from services.inference.api.schemas import (
    BatchItem,
    BatchResponse,
    ModelInfo,
    ModelList,
    PredictResponse,
)
from services.inference.api.uploads import BatchUploadOperation, SingleUploadOperation, read_images
from services.inference.dataplane import DataPlane
from services.inference.errors import BadInput
from services.inference.prediction_log import REQUEST_ID, record, request_id
from services.predictions.log import PredictionLog

Plane = NamedDependency[DataPlane]
Log = NamedDependency[PredictionLog | None]
UPLOAD_ERRORS = error_responses(400, 404, 413, 415, 503)
TopK = Annotated[int | None, Parameter(ge=1, le=1000, description="How many classes to return.")]
ModelName = Annotated[str | None, Parameter(description="Model name (default: the service's default).")]
Version = Annotated[str | None, Parameter(description="Model version (default: the model's first).")]


class PredictController(Controller):
    path = "/v1"
    tags = ["v1: upload API"]

    @post("/predict", status_code=200, operation_class=SingleUploadOperation, responses=UPLOAD_ERRORS)
    async def predict(
        self,
        request: Request,
        dataplane: Plane,
        prediction_log: Log,
        top_k: TopK = None,
        model: ModelName = None,
        version: Version = None,
    ) -> Response[PredictResponse]:
        """Classify one image sent as the form field `file` or as a raw `image/*` body."""
        images = await read_images(request)
        if len(images) != 1:
            raise BadInput(f"Send one image here ({len(images)} came); use /v1/predict/batch for several.")
        result = await dataplane.classify(images[0][1], top_k or dataplane.default_top_k, model, version)
        prediction_id = None
        if prediction_log is not None:
            prediction_id = record(prediction_log, dataplane, result, route="v1",
                                   request_id=request_id(request.headers.get(REQUEST_ID)),
                                   image=images[0][1])  # fmt: skip
        headers = {"X-Prediction-ID": prediction_id} if prediction_id else None
        return Response(PredictResponse.from_prediction(result, prediction_id), headers=headers)

    @post("/predict/batch", status_code=200, operation_class=BatchUploadOperation, responses=UPLOAD_ERRORS)
    async def predict_batch(
        self,
        request: Request,
        dataplane: Plane,
        prediction_log: Log,
        top_k: TopK = None,
        model: ModelName = None,
        version: Version = None,
    ) -> BatchResponse:
        """Classify several images (repeated form field `file`); each gets its own answer or error."""
        images = await read_images(request)
        outcomes = await dataplane.classify_many(
            [data for _, data in images], top_k or dataplane.default_top_k, model, version
        )
        items, client_id = [], request_id(request.headers.get(REQUEST_ID))
        for (name, data), outcome in zip(images, outcomes, strict=True):
            prediction_id = None
            if prediction_log is not None and isinstance(outcome, pipeline.Prediction):
                prediction_id = record(prediction_log, dataplane, outcome, route="v1", request_id=client_id, image=data)
            items.append(_batch_item(name, outcome, prediction_id))
        return BatchResponse(items)

    @get("/models")
    async def models(self, dataplane: Plane) -> ModelList:
        """The models this service serves; the first is the default."""
        default = dataplane.repository.default
        return ModelList(
            [
                ModelInfo(
                    name=m.name,
                    version=m.version,
                    alias=m.alias,
                    ready=m.ready,
                    classes=len(m.spec.labels),
                    input_shape=list(m.spec.preprocess.input_shape),
                    default=m is default,
                )
                for m in dataplane.repository
            ]
        )


def _batch_item(filename: str | None, outcome: pipeline.Prediction | Exception, prediction_id: str | None) -> BatchItem:
    if isinstance(outcome, pipeline.Prediction):
        return BatchItem(filename, 200, result=PredictResponse.from_prediction(outcome, prediction_id))
    return BatchItem(filename, outcome.status_code, error=outcome.message)

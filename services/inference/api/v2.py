"""The Open Inference Protocol (KServe v2) REST endpoints, for tritonclient, KServe and friends.

Input: the FP32 tensor the network takes ([N, 3, 224, 224] for the default model), or a BYTES
tensor of encoded images that the service decodes and preprocesses itself. Output: the logits,
or with the classification extension (`classification`/`class_count` = k) the top k as
"value:index:label" strings.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from services.inference.api.openapi import InferOperation, error_responses
from services.inference.api.v2_codec import (
    HEADER_LENGTH,
    RequestedOutput,
    Tensor,
    decode_request,
    encode_response,
)
from services.inference.dataplane import DataPlane
from services.inference.errors import BadInput, ModelNotReady
from services.inference.pipeline import Prediction
from services.inference.postprocessing import top_k
from services.inference.prediction_log import REQUEST_ID, record, request_id
from services.inference.runtime import OnnxClassifier
from services.inference.version import server_version
from services.predictions.log import PredictionLog

EXTENSIONS = ["binary_tensor_data", "classification"]
# Parsing a JSON tensor of one 224 px image takes tens of milliseconds: off the event loop.
_PARSE_IN_THREAD_BYTES = 64 * 1024
Plane = NamedDependency[DataPlane]
Log = NamedDependency[PredictionLog | None]
INFER_ERRORS = error_responses(400, 404, 413, 503)
MODEL_PATHS = ["/models/{name:str}", "/models/{name:str}/versions/{version:str}"]


def _version(request: Request) -> str | None:
    """The `{version}` of the versioned paths; the unversioned ones mean the model's default version."""
    return request.path_params.get("version")


def _suffixed(suffix: str) -> list[str]:
    return [path + suffix for path in MODEL_PATHS]


class OpenInferenceController(Controller):
    path = "/v2"
    tags = ["v2: Open Inference Protocol"]

    @get("/")
    async def server_metadata(self) -> dict[str, Any]:
        return {"name": "inferlab", "version": server_version(), "extensions": EXTENSIONS}

    @get("/health/live")
    async def live(self) -> dict[str, bool]:
        return {"live": True}

    @get("/health/ready")
    async def ready(self, dataplane: Plane, prediction_log: Log) -> Response:
        ready = dataplane.repository.ready
        details = {"prediction_log": prediction_log.health()} if prediction_log is not None else {}
        # The log's sinks are details: a database down costs events, never readiness.
        return Response({"ready": ready, **details}, status_code=200 if ready else 503)

    @get(MODEL_PATHS, responses=error_responses(404))
    async def model_metadata(self, request: Request, dataplane: Plane, name: FromPath[str]) -> dict[str, Any]:
        model = dataplane.model(name, _version(request))
        spec = model.spec
        versions = [m.version for m in dataplane.repository if m.name == name]
        return {
            "name": spec.name,
            "versions": versions,
            "platform": "onnxruntime_onnx",
            "inputs": [{"name": spec.input_name, "datatype": "FP32", "shape": [-1, *spec.preprocess.input_shape]}],
            "outputs": [{"name": spec.output_name, "datatype": "FP32", "shape": [-1, len(spec.labels)]}],
        }

    @get(_suffixed("/ready"), responses=error_responses(404))
    async def model_ready(self, request: Request, dataplane: Plane, name: FromPath[str]) -> Response:
        model = dataplane.model(name, _version(request))
        return Response({"name": model.name, "ready": model.ready}, status_code=200 if model.ready else 503)

    @post(_suffixed("/infer"), status_code=200, operation_class=InferOperation, responses=INFER_ERRORS)
    async def infer(self, request: Request, dataplane: Plane, prediction_log: Log, name: FromPath[str]) -> Response:
        dataplane.model(name, _version(request))  # an unknown model is a 404 before its body is read
        body = await request.body()
        header_length = request.headers.get(HEADER_LENGTH)
        if len(body) > _PARSE_IN_THREAD_BYTES:
            infer_request = await asyncio.to_thread(decode_request, body, header_length)
        else:
            infer_request = decode_request(body, header_length)
        # Looked up again after the awaits: a hot swap may have retired the version found above.
        model = dataplane.model(name, _version(request))
        if not model.ready:
            raise ModelNotReady(f"The model {name} is loaded but not ready yet.")
        if len(infer_request.inputs) != 1:
            raise BadInput(f"The model takes one input: '{model.spec.input_name}' (FP32) or a BYTES tensor of images.")
        tensor = infer_request.inputs[0]
        results = await _run(dataplane, model, tensor)
        logits = np.stack([result.logits for result in results])
        requested = infer_request.outputs or [
            RequestedOutput(model.spec.output_name, binary=infer_request.binary_outputs)
        ]
        outputs = [_output(model, logits, wanted) for wanted in requested]
        document = {"model_name": model.name, "model_version": model.version}
        if infer_request.id is not None:
            document["id"] = infer_request.id
        if prediction_log is not None:
            client_id = request_id(request.headers.get(REQUEST_ID), infer_request.id)
            images = list(tensor.data) if tensor.datatype == "BYTES" else [None] * len(results)
            ids = [record(prediction_log, dataplane, result, route="v2", request_id=client_id, image=image)
                   for result, image in zip(results, images, strict=True)]  # fmt: skip
            document["parameters"] = {"prediction_ids": ids}
        content, header_size = encode_response(document, outputs)
        if header_size is None:
            return Response(content, media_type=MediaType.JSON)
        return Response(content, media_type="application/octet-stream", headers={HEADER_LENGTH: str(header_size)})


async def _run(dataplane: DataPlane, model: OnnxClassifier, tensor: Tensor) -> list[Prediction]:
    """The predictions of the request's images (or rows), in order."""
    if tensor.datatype == "BYTES":
        return await dataplane.infer_images(model, list(tensor.data))
    if tensor.name != model.spec.input_name:
        raise BadInput(f"Unknown input '{tensor.name}'; the model's input is '{model.spec.input_name}'.")
    if tensor.datatype != "FP32":
        raise BadInput(f"Input '{tensor.name}' must be FP32, not {tensor.datatype}.")
    return await dataplane.infer_tensor(model, tensor.data)


def _output(model: OnnxClassifier, logits: np.ndarray, wanted: RequestedOutput) -> tuple[Tensor, bool]:
    if wanted.name != model.spec.output_name:
        raise BadInput(f"Unknown output '{wanted.name}'; the model's output is '{model.spec.output_name}'.")
    if not wanted.class_count:
        return Tensor(wanted.name, "FP32", list(logits.shape), logits), wanted.binary
    k = min(wanted.class_count, logits.shape[-1])
    rows = [f"{row[i]:f}:{i}:{model.spec.labels[i]}".encode() for row in logits for i in top_k(row, k)]
    return Tensor(wanted.name, "BYTES", [logits.shape[0], k], rows), wanted.binary

"""What the OpenAPI document says beyond the handlers' signatures: the error bodies every route can
answer (`{"error": ...}`, as `api.errors` sends them) and the v2 infer request, read by hand."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from msgspec import Struct


class ErrorBody(Struct):
    error: str
    """What was wrong, in words."""


WHY = {
    400: "Bad input: the request cannot be used (not an image, a wrong tensor, bad JSON...).",
    404: "No such model or version.",
    413: "The body, an image or the request's pixels to decode are over their limit.",
    415: "The content type is not one this route reads.",
    503: "At capacity, shutting down (both with Retry-After), or the model is not ready.",
}


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The `{"error": ...}` answers of a route, by status."""
    return {status: ResponseSpec(data_container=ErrorBody, description=WHY[status]) for status in statuses}


def _object(properties: dict[str, Schema], required: list[str]) -> Schema:
    return Schema(type=OpenAPIType.OBJECT, properties=properties, required=required)


_STRING, _PARAMETERS = Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.OBJECT)
_TENSOR = _object(
    {
        "name": _STRING,
        "datatype": Schema(type=OpenAPIType.STRING, enum=["FP32", "BYTES"]),
        "shape": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.INTEGER, minimum=0)),
        "data": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.NUMBER),
            description="FP32 numbers (flat, or nested as the shape), or for BYTES base64 strings; absent with "
            "parameters.binary_data_size (binary tensor data extension).",
        ),
        "parameters": _PARAMETERS,
    },
    ["name", "datatype", "shape"],
)
_OUTPUT = _object(
    {
        "name": _STRING,
        "parameters": _object(
            {"binary_data": Schema(type=OpenAPIType.BOOLEAN), "classification": Schema(type=OpenAPIType.INTEGER)},
            [],
        ),
    },
    ["name"],
)
INFER_REQUEST = _object(
    {
        "id": Schema(type=OpenAPIType.STRING, description="Echoed as given (any other JSON value is, too)."),
        "inputs": Schema(type=OpenAPIType.ARRAY, items=_TENSOR, min_items=1, description="One tensor."),
        "outputs": Schema(type=OpenAPIType.ARRAY, items=_OUTPUT),
        "parameters": _object({"binary_data_output": Schema(type=OpenAPIType.BOOLEAN)}, []),
    },
    ["inputs"],
)


@dataclass
class InferOperation(Operation):
    """The Open Inference Protocol's infer request: JSON, or a JSON header and binary tensors."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            description="One input: the FP32 tensor the network takes, or a BYTES tensor of encoded images. "
            "With the binary tensor data extension, the JSON header's length is in Inference-Header-Content-Length.",
            content={
                "application/json": OpenAPIMediaType(schema=INFER_REQUEST),
                "application/octet-stream": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, format="binary")),
            },
        )
